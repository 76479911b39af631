export * from './CredentialsPanel';
export * from './icons';
export * from './model';
