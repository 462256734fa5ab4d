import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { processState } from "../process-state";

export type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
export type Query = Parameters<Adapter["queryRaw"]>[0];

/** The statements sent while something records them (a test, a bench), else null. */
interface Statements {
  recorded: Statement[] | null;
}

/** A statement as recorded: its SQL and the milliseconds from sending it to its result. */
export interface Statement {
  sql: string;
  ms: number;
}

const statements = processState<Statements>("db.statements", () => ({ recorded: null }));

/** The driver connection Prisma's client opened last, statements counted as Prisma's own are. */
const connection = processState<{ adapter: Adapter | null }>("db.connection", () => ({ adapter: null }));

/** The connection under the process's Prisma client, once it has connected (lib/db/client.ts). */
export function connectedDriver(): Adapter | null {
  return connection().adapter;
}

function run<R>(query: Query, send: (query: Query) => Promise<R>): Promise<R> {
  const recorded = statements().recorded;
  if (!recorded) return send(query);
  const started = performance.now();
  const statement = { sql: query.sql, ms: Number.NaN };
  recorded.push(statement);
  return send(query).finally(() => {
    statement.ms = performance.now() - started;
  });
}

/**
 * The statements the process's queries cost, seen where they leave Prisma for the driver (a
 * transaction's statements and its COMMIT included; BEGIN not, the driver sends it itself). Prisma
 * runs one query as one or several statements; at 1-3 ms of CPU each on the hot path
 * (docs/benchmarks.md §8), their number is what the tests of a turn start and of an event append
 * hold down. In production a statement costs one property read here; the SQL and the time are
 * kept only while something records.
 */
export function countStatements<F extends { connect(): Promise<Adapter> }>(factory: F): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = counted(await connect());
    connection().adapter = adapter;
    return adapter;
  };
  return factory;
}

function counted<T extends Adapter | Transaction>(target: T): T {
  const queryRaw = target.queryRaw.bind(target);
  const executeRaw = target.executeRaw.bind(target);
  target.queryRaw = (query) => run(query, queryRaw);
  target.executeRaw = (query) => run(query, executeRaw);
  if ("startTransaction" in target) {
    const start = target.startTransaction.bind(target);
    target.startTransaction = async (level) => counted(await start(level));
  }
  return target;
}

/** Runs `work` and returns the SQL of every statement the process sent meanwhile (tests). */
export async function recordStatements(work: () => Promise<unknown>): Promise<string[]> {
  return (await timeStatements(work)).map((s) => s.sql);
}

/** Runs `work` and returns every statement the process sent meanwhile, timed (benches). */
export async function timeStatements(work: () => Promise<unknown>): Promise<Statement[]> {
  const state = statements();
  const recorded: Statement[] = [];
  const outer = state.recorded;
  state.recorded = recorded;
  try {
    await work();
  } finally {
    state.recorded = outer;
  }
  return recorded;
}
