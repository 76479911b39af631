import './base.css';
import './credentials.css';
import './actions.css';
import './transfers.css';
