// Files the JupyterLab builder (webpack) bundles that TypeScript does not read.

/** SVG icons, inlined as text. */
declare module '*.svg' {
  const svgstr: string;
  export default svgstr;
}

/** This package's own metadata: the version the handshake compares. */
declare module '*/package.json' {
  const metadata: { name: string; version: string };
  export default metadata;
}
