import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { processState } from "../process-state";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;
type Query = Parameters<Adapter["queryRaw"]>[0];

/** What the client sends to the database: how many statements, and their SQL while someone records. */
interface Statements {
  count: number;
  recorded: Statement[] | null;
}

/** A statement as recorded: its SQL and the milliseconds from sending it to its result. */
export interface Statement {
  sql: string;
  ms: number;
}

const statements = processState<Statements>("db.statements", () => ({ count: 0, recorded: null }));

function run<R>(query: Query, send: (query: Query) => Promise<R>): Promise<R> {
  const state = statements();
  state.count++;
  const recorded = state.recorded;
  if (!recorded) return send(query);
  const started = performance.now();
  const statement = { sql: query.sql, ms: Number.NaN };
  recorded.push(statement);
  return send(query).finally(() => {
    statement.ms = performance.now() - started;
  });
}

/**
 * The statements every query of the process costs, counted where they leave Prisma for the driver
 * (transactions' statements and their COMMIT included, BEGIN not: the driver sends it itself). Prisma runs one query as one or
 * several statements; at 1-3 ms of CPU each on the hot path (docs/benchmarks.md §8), the count is
 * what the tests of a turn start and of an event append hold down. One increment each: always on.
 */
export function countStatements<F extends { connect(): Promise<Adapter> }>(factory: F): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => counted(await connect());
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

/** Statements sent so far in this process. */
export function statementCount(): number {
  return statements().count;
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
