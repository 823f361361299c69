/**
 * Security headers for every response (helmet): a Content-Security-Policy that lets the console load
 * only its own scripts and styles, talk only to its own origin (API and socket.io), show images from
 * itself, `data:`/`blob:` previews and https, and never be framed; nosniff; no referrer across
 * origins. Routes that need a stricter policy (the printable processing log) set their own.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The middleware. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        mediaSrc: ["'self'", 'blob:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // The widget script is embedded by other sites: it must stay loadable cross-origin.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
  });
}
