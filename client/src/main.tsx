import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { wireSession } from './app/SessionBridge';
import { restoreSession } from './features/auth/authStore';
import './styles.css';

wireSession();
restoreSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
