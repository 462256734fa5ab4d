// The session events' shapes are defined once, as the schema their stored form is parsed with
// (lib/db/schemas/events.ts); live views, replays and the client use them under these names.
export type { SessionEvent, SessionEventBody, SessionStatus, TurnStatus } from "@/lib/db/schemas/events";
