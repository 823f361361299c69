/**
 * Which agency should handle a ticket: the commune or ward the citizen's text names (current name,
 * alias or former name, with or without diacritics), then the agencies of the ticket's field.
 */
import type { Queryable } from '../db/database';
import { PlaceMatcher, type FormerName } from '../nlu/places';

interface AgencyRow {
  id: string;
  code: string;
  name: string;
  kind: string;
  fields: string[];
  aliases: string[];
}

/** A suggested agency and why it is suggested. */
export interface AgencySuggestion {
  id: string;
  code: string;
  name: string;
  kind: string;
  /** `place`: the text names its commune or ward; `field`: it handles the ticket's field. */
  reason: 'place' | 'field';
  /** The words that named the place (folded), for `place`. */
  matched?: string;
}

const activeAgencies = (q: Queryable, communesOnly: boolean) =>
  q
    .query<AgencyRow>(
      `SELECT id, code, name, kind, fields, aliases FROM agencies WHERE active ${communesOnly ? "AND kind = 'commune'" : ''} ORDER BY code`,
    )
    .then((r) => r.rows);

// The matcher of the last agency list seen: rebuilt only when a commune's names or the former names change.
let lastMatcher: { key: string; former: FormerName[]; matcher: PlaceMatcher } | null = null;

function matcherFor(communes: AgencyRow[], former: FormerName[]): PlaceMatcher {
  const key = communes.map((a) => [a.code, a.name, ...a.aliases].join('\u0001')).join('\u0002');
  if (lastMatcher?.key !== key || lastMatcher.former !== former) {
    const places = communes.map((a) => ({ code: a.code, names: [a.name, ...a.aliases] }));
    lastMatcher = { key, former, matcher: new PlaceMatcher(places, former) };
  }
  return lastMatcher.matcher;
}

/** The communes and wards a text names, best first, as agencies. */
function placesIn(agencies: AgencyRow[], text: string, former: FormerName[]): { agency: AgencyRow; matched: string }[] {
  const communes = agencies.filter((a) => a.kind === 'commune');
  const matcher = matcherFor(communes, former);
  const byCode = new Map(communes.map((a) => [a.code, a]));
  return matcher.find(text).map((m) => ({ agency: byCode.get(m.code)!, matched: m.matched }));
}

/** The commune or ward the text names (the best match), or null: the agency a new report is suggested to. */
export async function suggestAgency(q: Queryable, text: string, former: FormerName[] = []): Promise<{ id: string; code: string } | null> {
  const best = placesIn(await activeAgencies(q, true), text, former)[0];
  return best ? { id: best.agency.id, code: best.agency.code } : null;
}

/**
 * Suggestions for forwarding a ticket, best first: the communes and wards its text names, then the
 * provincial departments, vertical agencies and others of its field (communes of the field only when
 * named: listing the first wards of the alphabet helps no one).
 */
export async function agencySuggestions(
  q: Queryable,
  ticket: { title: string; content: string; field: string | null },
  former: FormerName[] = [],
  limit = 6,
): Promise<AgencySuggestion[]> {
  const agencies = await activeAgencies(q, false);
  const out: AgencySuggestion[] = placesIn(agencies, `${ticket.title}\n${ticket.content}`, former).map(({ agency, matched }) => ({
    ...pick(agency),
    reason: 'place',
    matched,
  }));
  const KIND_ORDER: Record<string, number> = { department: 0, vertical: 1, other: 2 };
  if (ticket.field) {
    out.push(
      ...agencies
        .filter((a) => a.kind !== 'commune' && a.fields.includes(ticket.field!))
        .sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9))
        .map((a) => ({ ...pick(a), reason: 'field' as const })),
    );
  }
  return out.slice(0, limit);
}

const pick = (a: AgencyRow) => ({ id: a.id, code: a.code, name: a.name, kind: a.kind });
