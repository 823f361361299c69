/** Shapes of the console API (docs/console-api.md): one definition, shared with the server (src/wire/api.ts). */
export type * from '@wire/api';
export type { ConsoleEvents, ReferenceChange, ReferenceList } from '@wire/events';
