// A deterministic generator of realistic agent-memory text for the memory benchmark: notes built from a
// frequency-ordered English + work vocabulary sampled Zipf-like, with names, technologies, ticket numbers, error
// codes and timestamps mixed in, so term frequencies look like real notes (a few words everywhere, most rare).

let seed = 0x2f6b_1d3a;
/** mulberry32: fast, seedable, good enough for test data. */
export const rand = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
export const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/** Zipf sampler: the item of rank r is drawn with weight 1/r^s (s≈1 for natural-language word frequencies). */
function zipf<T>(items: readonly T[], s: number): () => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= items.length; r++) {
    sum += 1 / r ** s;
    cumulative.push(sum);
  }
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as T;
  };
}

const common = words(`the of and to a in is it that for on was with as be at by this have from or are not but had
  they we an were which all their will when there can been one would more if no out so what up about into than
  them only some could time these two may then do first any like now my such our over even most after also made
  many before must through back years where much your way well down should because each just those how too good
  very make still own see men work long get here between both under never same another know while last might us
  great old year off come since against go came right used take three states himself few house use during without
  again place around however home small found thought went say part once general high upon school every does
  got left number course war until always away something fact though water less public put think almost hand enough
  far took head yet government system better set told nothing night end why called eyes find going look asked
  later knew point next program city business give group toward young days let room president side social given
  present several order national possible rather second face per among form important often things looked early
  white case become large big need four within felt along children saw best church ever least power development
  light thing seemed family interest want members mind country area others done turned although open service
  certain kind problem began different door thus help sense means whole matter perhaps itself times law human
  line above name example action company hands local show whether five history gave today either act feet across
  taken past quite anything seen having death week experience body word half really field car words already
  themselves information tell together college shall money period held keep sure probably free seems political
  real behind cannot question air office making brought whose special major heard problems federal became study
  ago moment available known result street economic position reason change south board individual job society
  areas west close turn love community true court force full seem art minutes plan data report status team
  design release build issue support customer feature review update version model account project process memory
  agent session search index query cache server client request response error warning latency throughput budget
  deadline meeting decision summary roadmap milestone priority backlog sprint incident outage rollback deploy
  migration schema table column backup restore cluster node container pipeline artifact dependency upgrade patch
  config secret token credential permission policy audit metric dashboard alert threshold timeout retry queue
  worker scheduler cron webhook endpoint payload invoice payment refund subscription pricing discount contract
  vendor partner onboarding feedback survey interview persona journey funnel conversion retention churn revenue
  forecast quarter hiring candidate offer salary benefit vacation travel flight hotel conference keynote workshop
  recipe grocery garden bicycle marathon dentist birthday anniversary gift library novel podcast playlist guitar`);
const rare = words(`zeppelin quokka marmalade obsidian kaleidoscope nebula tamarind fjord saffron xylophone juniper
  labyrinth origami tundra vortex walrus pangolin sextant gondola cardamom monsoon aurora basalt cobalt dirigible`);
const people = words(`Alice Bob Chen Dmitri Fatima Grace Hiro Ines Jonas Kemal Lena Mateo Nadia Oscar Priya Quentin
  Rosa Sven Tariq Uma Viktor Wen Yusuf Zara`);
const techs = words(`PostgreSQL Redis Kafka Kubernetes Terraform SQLite React TypeScript Rust nginx Grafana Prometheus
  Elasticsearch S3 Docker GraphQL gRPC OAuth WebSocket Lambda Python Go Node.js Next.js Tailwind Vite Jest Playwright
  Sentry Datadog`);
const commonWord = zipf(common, 1);
const tech = zipf(techs, 0.5);

export const tagPool = words(
  'ops incident preference meeting decision todo research customer infra security release bug',
);

function freeSentence(): string {
  const out: string[] = [];
  const n = 6 + Math.floor(rand() * 14);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.04) out.push(pick(people));
    else if (r < 0.06) out.push(tech());
    else if (r < 0.062) out.push(pick(rare));
    else if (r < 0.08) out.push(String(Math.floor(rand() * 10_000)));
    else out.push(commonWord());
  }
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function sentence(): string {
  const n = rand();
  const num = Math.floor(rand() * 100_000);
  const word = () => commonWord();
  if (n < 0.03) return `${pick(people)} asked to ${word()} the ${tech()} ${word()} (ticket #${num}).`;
  if (n < 0.05)
    return `p95 latency of ${tech()} went from ${num % 900} ms to ${num % 300} ms after the ${word()} change.`;
  if (n < 0.07) {
    const at = new Date(Date.UTC(2025, 0, 1) + num * 60_000).toISOString();
    return `Error E${num % 5000} in ${tech()} at ${at}.`;
  }
  if (n < 0.09) return `Decision: ${pick(people)} owns the ${word()} ${word()}, review in Q${1 + (num % 4)}.`;
  return freeSentence();
}

/** 200–1600 characters, most chunks short, as stored notes and tool outputs are. */
export function chunkContent(): string {
  const target = 200 + Math.floor(rand() ** 1.5 * 1400);
  let text = '';
  while (text.length < target) text += `${sentence()} `;
  return text.trim();
}

/** A chat message: 1–4 sentences (a question, an answer's paragraph), shorter than a memory chunk. */
export function messageContent(): string {
  const n = 1 + Math.floor(rand() ** 2 * 4);
  let text = '';
  for (let i = 0; i < n; i++) text += `${sentence()} `;
  return text.trim();
}

/** 1–3 word queries over frequent, mid-frequency and rare terms, plus tokens shorter than a trigram. */
export const keywordQueries: string[] = [
  'deploy',
  'PostgreSQL',
  'timeout',
  'meeting',
  'latency',
  'invoice',
  'kafka',
  'decision',
  'roadmap',
  'quokka',
  'xylophone',
  'walrus',
  'E1234',
  '#4242',
  'saffron',
  'grafana',
  'redis timeout',
  'alice rollback',
  'memory leak',
  'grace zeppelin',
  'kubernetes upgrade',
  'scheduler retry queue',
  'customer refund policy',
  'webhook payload',
  'oauth token',
  'nebula hiro',
  'sprint backlog priority',
  'conference keynote',
  'release notes',
  'ms latency',
  'Q3 review',
  's3 backup',
  'go worker',
  'ui',
];
