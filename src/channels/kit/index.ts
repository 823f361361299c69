/**
 * The adapter kit: everything an adapter (`adapters/<channel>/`) may import from the core — the
 * channel contract, provider-call and signature helpers, JSON parsing that keeps big integers, webhook
 * acceptance, rate windows, file-type sniffing and an SMTP transport loaded at its first use.
 * See docs/channels.md ("What every channel declares").
 */
export * from './contract';
export * from './helpers';
export * from './safe-json';
export * from './webhook';
export * from './rate-window';
export * from './sniff-type';
export * from './ticket-code';
export * from './smtp-link';
