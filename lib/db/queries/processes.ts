import { db } from "../client";

export function recordProcess(data: {
  pgid: number;
  marker: string;
  sessionId: string;
  turnId: string | null;
}) {
  return db().processRecord.create({ data });
}

export function forgetProcess(marker: string) {
  return db().processRecord.deleteMany({ where: { marker } });
}

export function listProcesses() {
  return db().processRecord.findMany();
}

export function forgetAllProcesses() {
  return db().processRecord.deleteMany({});
}

export function forgetProcesses(markers: string[]) {
  return db().processRecord.deleteMany({ where: { marker: { in: markers } } });
}

/** Process records of sessions no live instance runs: a turn's commands its dead instance left. */
export function listLeftoverProcesses(now: Date) {
  return db().processRecord.findMany({
    where: {
      session: {
        OR: [{ status: { not: "running" } }, { leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }],
      },
    },
  });
}
