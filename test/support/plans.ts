/**
 * Query plans in tests: `EXPLAIN (FORMAT JSON …)` read into its nodes, to check how a statement
 * reads a table whatever the figures of the machine.
 */
import type { Queryable } from '../../src/db/database';

/** One node of a JSON query plan (`Node Type`, `Relation Name`, `Actual Rows`, `Plans`, …). */
export type PlanNode = Record<string, unknown>;

/** The top node of the plan `EXPLAIN (FORMAT JSON …) <sql>` gives (`explain`: the options, FORMAT JSON among them). */
export async function explainJson(q: Queryable, explain: string, sql: string, params?: unknown[]): Promise<PlanNode> {
  const r = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (${explain}) ${sql}`, params);
  // Given parsed or as text, depending on the driver.
  const raw = r.rows[0]['QUERY PLAN'];
  const [top] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return top.Plan;
}

/** `node` and every node under it. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...((node.Plans as PlanNode[] | undefined) ?? []).flatMap(planNodes)];
}
