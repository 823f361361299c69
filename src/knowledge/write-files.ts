/**
 * Writes a knowledge seed back to files (export of the live copy), in the layout `readKnowledge` reads.
 * Round-trip safe: `readKnowledge(dir)` after `writeKnowledge(dir, seed)` gives back an equal seed, and
 * writing what was read produces the same bytes, so exports make clean diffs.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { stringifyCsv } from './csv';
import { AGENCY_COLUMNS, FIELD_COLUMNS, KNOWLEDGE_FILES, LIST_SEPARATOR } from './read-files';
import type { Agency, Field, KnowledgeSeed, Procedure, ServiceAnswer } from './schema';

// lineWidth 0: never fold long Vietnamese sentences over several lines.
const YAML_OPTIONS = { lineWidth: 0, indent: 2, indentSeq: true } as const;

/** A procedure as YAML text, keys in a fixed order, empty optional lists left out. */
export function procedureToYaml(p: Procedure): string {
  const doc: Record<string, unknown> = {
    intent: p.intent,
    title: p.title,
    field: p.field,
    summary: p.summary,
    agency: p.agency,
    level: p.level,
  };
  if (p.agency_codes.length > 0) doc.agency_codes = p.agency_codes;
  Object.assign(doc, {
    documents: p.documents,
    processing_time: p.processing_time,
    fee: p.fee,
    where: p.where,
    online_url: p.online_url,
    legal_basis: p.legal_basis,
    recent_changes: p.recent_changes,
  });
  if (p.notes.length > 0) doc.notes = p.notes;
  if (p.review_notes.length > 0) doc.review_notes = p.review_notes;
  doc.sources = p.sources;
  doc.last_reviewed = p.last_reviewed;
  return YAML.stringify(doc, YAML_OPTIONS);
}

/** The service answers as the YAML text of `services.yml`. */
export function servicesToYaml(answers: ServiceAnswer[]): string {
  const list = answers.map((s) => {
    const a: Record<string, unknown> = { id: s.id, intent: s.intent };
    if (s.field !== null) a.field = s.field;
    a.text = s.text;
    if (s.quick_replies.length > 0) a.quick_replies = s.quick_replies.map((q) => ({ title: q.title, payload: q.payload }));
    return a;
  });
  const header =
    '# Câu trả lời của các ý định dịch vụ (intents.md). Chỗ giữ chỗ: {next_open} = giờ tổng đài viên làm việc trở lại.\n';
  return header + YAML.stringify({ answers: list }, YAML_OPTIONS);
}

/** The ticket fields as CSV text. */
export function fieldsToCsv(fields: Field[]): string {
  return stringifyCsv([[...FIELD_COLUMNS], ...fields.map((f) => [f.code, f.name, String(f.sort_order)])]);
}

/** The agencies as CSV text; lists are joined with ";" and nulls written as empty cells. */
export function agenciesToCsv(agencies: Agency[]): string {
  const rows = agencies.map((a) => [
    a.code,
    a.name,
    a.kind,
    a.parent ?? '',
    a.phone ?? '',
    a.email ?? '',
    a.fields.join(LIST_SEPARATOR),
    a.aliases.join(LIST_SEPARATOR),
    a.notes ?? '',
  ]);
  return stringifyCsv([[...AGENCY_COLUMNS], ...rows]);
}

/**
 * Writes the seed into `dir` (created if needed). Procedure files of intents no longer in the seed are
 * removed, so the folder mirrors the live copy.
 */
export function writeKnowledge(dir: string, seed: KnowledgeSeed): void {
  const folder = join(dir, KNOWLEDGE_FILES.procedures);
  mkdirSync(folder, { recursive: true });
  const keep = new Set(seed.procedures.map((p) => `${p.intent}.yml`));
  for (const f of readdirSync(folder)) {
    if ((f.endsWith('.yml') || f.endsWith('.yaml')) && !keep.has(f)) rmSync(join(folder, f));
  }
  for (const p of seed.procedures) writeFileSync(join(folder, `${p.intent}.yml`), procedureToYaml(p));
  writeFileSync(join(dir, KNOWLEDGE_FILES.services), servicesToYaml(seed.services));
  writeFileSync(join(dir, KNOWLEDGE_FILES.fields), fieldsToCsv(seed.fields));
  writeFileSync(join(dir, KNOWLEDGE_FILES.agencies), agenciesToCsv(seed.agencies));
}
