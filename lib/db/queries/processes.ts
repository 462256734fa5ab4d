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
