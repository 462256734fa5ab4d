import { type Db, db } from "../client";
import { execute, executeWith, type Sql, sql } from "./driver-sql";

/**
 * The conditional updates behind turn leases (lib/agent/lease.ts): who holds a session's turn is
 * `leaseOwner` until `leaseExpiresAt`, and every change is one UPDATE guarded by the owner.
 */
export interface LeaseHolder {
  owner: string;
  /** Another instance's client, in tests that play two instances in one process; this process's by default. */
  client?: Db;
}

const clientOf = (holder: LeaseHolder) => holder.client ?? db();

/**
 * Takes the lease until `until` if it is free, lapsed at `now`, or already the holder's. Atomic.
 * One statement: Prisma runs `updateMany` as UPDATE + COMMIT, and this is on every turn start.
 */
export async function claimLease(holder: LeaseHolder, sessionId: string, now: Date, until: Date) {
  const count = await run(
    holder,
    sql`UPDATE "Session" SET "leaseOwner" = ${holder.owner}, "leaseExpiresAt" = ${until}, "updatedAt" = ${new Date()}
    WHERE "id" = ${sessionId}
      AND ("leaseOwner" IS NULL OR "leaseOwner" = ${holder.owner}
        OR "leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})`,
  );
  return count === 1;
}

/** This process's statements go through the driver (both are on every turn); another instance's through its client. */
function run(holder: LeaseHolder, query: Sql): Promise<number> {
  return holder.client ? executeWith(holder.client, query) : execute(query);
}

/** Extends the holder's leases of these sessions to `until`; returns how many it still held. */
export async function extendLeases(holder: LeaseHolder, sessionIds: string[], until: Date): Promise<number> {
  const { count } = await clientOf(holder).session.updateMany({
    where: { id: { in: sessionIds }, leaseOwner: holder.owner },
    data: { leaseExpiresAt: until },
  });
  return count;
}

/** Which of these sessions the holder has the lease of. */
export async function leasedBy(holder: LeaseHolder, sessionIds: string[]): Promise<Set<string>> {
  const rows = await clientOf(holder).session.findMany({
    where: { id: { in: sessionIds }, leaseOwner: holder.owner },
    select: { id: true },
  });
  return new Set(rows.map((s) => s.id));
}

/** Gives the lease up, if the holder still has it. One statement, as `claimLease`. */
export async function dropLease(holder: LeaseHolder, sessionId: string): Promise<void> {
  await run(
    holder,
    sql`UPDATE "Session" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ${new Date()}
    WHERE "id" = ${sessionId} AND "leaseOwner" = ${holder.owner}`,
  );
}
