import { processState } from "@/lib/process-state";
import type { SessionEvent } from "./types";

/**
 * An event's event-stream frame. A live event's frame is made from the JSON its row was written
 * with, not serialized a second time: for a command's output flood that second JSON (1.5 bytes per
 * byte of output for `yes`), and the copy that flattens it while it is encoded, were a third of
 * everything the server allocated per byte of output (docs/benchmarks.md §24). The row's JSON was
 * flattened already when the driver bound it, so it is encoded as it is, into one buffer with the
 * frame's few bytes around it: no string of the whole frame is ever made.
 */

const encoder = new TextEncoder();

/** The `data` column a live event was written with, by event (set by the log once it is written). */
const written = processState("events.written-data", () => new WeakMap<SessionEvent, string>());
/** Live events' frames by event: a published event is one object, whatever number of viewers it goes to. */
const liveFrames = processState("events.live-frames", () => new WeakMap<SessionEvent, Uint8Array>());

/** Records the JSON an event's row holds (its fields but seq, type and time: `eventData`). */
export function rememberWritten(event: SessionEvent, data: string): void {
  written().set(event, data);
}

/** The frame of an event read back from the table: serialized here. */
export function frame(event: SessionEvent): Uint8Array {
  return encoder.encode(`id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`);
}

/**
 * `id: <seq>\ndata: {"seq":…,"at":…,"type":…,<the row's fields>}\n\n`: the same object as `frame`
 * gives (its keys in another order), encoded piece by piece. `data` is the JSON of this event's
 * fields but seq, type and at on one line: what eventData made of it, or a row's text checked to
 * say exactly that (listStreamedEventsAfter), so no key is there twice and the frame ends where it should.
 */
function frameFromData(event: SessionEvent, data: string): Uint8Array {
  if (!data.startsWith("{") || !data.endsWith("}")) return frame(event);
  // a slice of a flat string is flat: concatenated to the rest it would be copied to be encoded
  const fields = data.slice(1);
  const comma = fields.length > 1 ? "," : "";
  const head = `id: ${event.seq}\ndata: {"seq":${event.seq},"at":${JSON.stringify(event.at)},"type":${JSON.stringify(event.type)}${comma}`;
  const headBytes = Buffer.byteLength(head);
  const fieldBytes = Buffer.byteLength(fields);
  const bytes = new Uint8Array(headBytes + fieldBytes + 2);
  encoder.encodeInto(head, bytes);
  encoder.encodeInto(fields, bytes.subarray(headBytes));
  encoder.encodeInto("\n\n", bytes.subarray(headBytes + fieldBytes));
  return bytes;
}

/** A replayed event's frame: of its row's text when the read found that text usable, else serialized. */
export function storedFrame(event: SessionEvent, data: string | null): Uint8Array {
  return data === null ? frame(event) : frameFromData(event, data);
}

/** A live event's frame, made once for all of its viewers. */
export function sharedFrame(event: SessionEvent): Uint8Array {
  let bytes = liveFrames().get(event);
  if (!bytes) {
    const data = written().get(event);
    bytes = data === undefined ? frame(event) : frameFromData(event, data);
    liveFrames().set(event, bytes);
    written().delete(event);
  }
  return bytes;
}
