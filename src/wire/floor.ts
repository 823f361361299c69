/** The floor's JSON shapes as the console receives them (`/api/floor…`). Types only. */
import type { FloorSettings as ServerFloorSettings, FloorSnapshot as ServerFloorSnapshot } from '../operations/routing';
import type { Presence as ServerPresence, PresenceStatus } from '../store/presence';
import type { Serialized } from './serialized';

export type { PresenceStatus };

/** `GET /api/floor`. */
export type FloorSnapshot = Serialized<ServerFloorSnapshot>;
/** An operator row of the floor. */
export type FloorOperator = FloorSnapshot['operators'][number];
/** A waiting conversation of the floor. */
export type FloorWaiting = FloorSnapshot['waiting'][number];
/** `GET /api/floor/settings`. */
export type FloorSettings = ServerFloorSettings;
/** `GET /api/floor/presence`. */
export type Presence = ServerPresence;
