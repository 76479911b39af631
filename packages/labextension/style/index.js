import './base.css';
import './credentials.css';
