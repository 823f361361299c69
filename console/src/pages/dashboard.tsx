/** Supervisors' dashboard: volumes, channels, fields, agencies, bot rate, timings, operators, CSAT; exports. */
import type { ReactNode } from 'react';
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DateRange } from '../components/date-input';
import { ChannelIcon, Icon } from '../components/icons';
import { ListState, Table } from '../components/list-state';
import { Card, CardSkeleton, Chip, DownloadButton, Empty, Link, Skeleton } from '../components/ui';
import { api, qs } from '../lib/api';
import { dayEndIso, dayStartIso, fmtNumber, fmtPercent, fmtWhen, ymd } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { CHANNEL_LABELS, hoursMinutes, label } from '@wire/labels';
import { useLiveReload } from '../lib/live';
import { setQuery, useRoute } from '../lib/router';
import type { Dashboard } from '../lib/types';
import { ALL_STATUSES } from './tickets';

type Preset = 'today' | '7d' | '30d' | 'month' | 'lastMonth' | 'custom';

const PRESETS: { value: Preset; label: string }[] = [
  { value: 'today', label: 'Hôm nay' },
  { value: '7d', label: '7 ngày' },
  { value: '30d', label: '30 ngày' },
  { value: 'month', label: 'Tháng này' },
  { value: 'lastMonth', label: 'Tháng trước' },
];

function rangeOf(p: Preset, from?: string | null, to?: string | null): { from: string; to: string } {
  const now = new Date();
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const add = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
  switch (p) {
    case 'today':
      return { from: ymd(today), to: ymd(today) };
    case '30d':
      return { from: ymd(add(today, -29)), to: ymd(today) };
    case 'month':
      return { from: ymd(new Date(today.getFullYear(), today.getMonth(), 1)), to: ymd(today) };
    case 'lastMonth':
      return {
        from: ymd(new Date(today.getFullYear(), today.getMonth() - 1, 1)),
        to: ymd(new Date(today.getFullYear(), today.getMonth(), 0)),
      };
    case 'custom':
      return { from: from || ymd(add(today, -6)), to: to || ymd(today) };
    default:
      return { from: ymd(add(today, -6)), to: ymd(today) };
  }
}

const BLUES = ['#0b4f8a', '#2f7fc8', '#6aa8e0', '#a9cdf0', '#d7e8f8'];
const CHANNEL_COLORS: Record<string, string> = {
  zalo: '#0068ff',
  facebook: '#8b3dff',
  email: '#52667a',
  livechat: '#0e8f7e',
  edongthap: '#c2185b',
  phone: '#2e7d32',
};
const CSAT_COLORS = ['#d64545', '#ec8a3c', '#e8c14a', '#7cbf6b', '#2f9e5a'];

function Kpi({
  label,
  value,
  sub,
  tone,
  icon,
  bar,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  tone?: 'danger' | 'ok' | 'warn';
  icon: ReactNode;
  bar?: number;
}) {
  return (
    <div className={`kpi ${tone ? `kpi-${tone}` : ''}`}>
      <div className="kpi-top">
        <span className="kpi-label">{label}</span>
        <span className="kpi-icon">{icon}</span>
      </div>
      <div className="kpi-value">{value}</div>
      {bar !== undefined && (
        <div className="kpi-bar">
          <span style={{ width: `${Math.max(0, Math.min(100, bar * 100))}%` }} />
        </div>
      )}
      {sub && <div className="kpi-sub">{sub}</div>}
    </div>
  );
}

/** Charts animate unless the user asked the system for reduced motion. */
const animate = typeof window === 'undefined' || !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

const tooltipStyle = { borderRadius: 8, border: '1px solid #dfe5ee', boxShadow: '0 6px 20px rgba(16,38,66,.12)', fontSize: 13 };
/** The charts' axes: grey ticks of `size` pixels, no tick marks; a base line under the x axis only. */
const axisTick = (size: number) => ({ fontSize: size, fill: '#6b7787' });
const xAxis = { tickLine: false, axisLine: { stroke: '#dfe5ee' } };
const yAxis = { allowDecimals: false, tickLine: false, axisLine: false };
/** The tooltip of the bar charts, with a light band over the hovered bar. */
const barTooltip = { contentStyle: tooltipStyle, cursor: { fill: '#eef4fb' } };

/** A dashboard card: the chart, or `empty` when there is nothing to draw. */
function ChartCard({
  title,
  children,
  empty,
  className = '',
}: {
  title: string;
  children: ReactNode;
  empty?: ReactNode;
  className?: string;
}) {
  return (
    <Card title={title} className={`chart-card ${className}`}>
      {empty || children}
    </Card>
  );
}

function fillDays(d: Dashboard, from: string, to: string) {
  const map = new Map(d.byDay.map((x) => [x.day.slice(0, 10), x]));
  const out: { day: string; label: string; conversations: number; tickets: number }[] = [];
  const [y, m, dd] = from.split('-').map(Number);
  for (let i = 0; i < 400; i++) {
    const date = new Date(y, m - 1, dd + i);
    const key = ymd(date);
    if (key > to) break;
    const x = map.get(key);
    out.push({
      day: key,
      label: `${String(date.getDate()).padStart(2, '0')}/${String(date.getMonth() + 1).padStart(2, '0')}`,
      conversations: x?.conversations ?? 0,
      tickets: x?.tickets ?? 0,
    });
  }
  return out;
}

export default function DashboardPage() {
  const route = useRoute();
  const preset = (route.query.get('period') as Preset) || '7d';
  const range = rangeOf(preset, route.query.get('from'), route.query.get('to'));
  // Whole days in Vietnam time: the server reads a date alone as a day in Asia/Ho_Chi_Minh.
  const days_range = { from: range.from, to: range.to };
  const api_range = { from: dayStartIso(range.from), to: dayEndIso(range.to) };
  const { data, error, loading, reload } = useLoad(
    () => api.get<Dashboard>(`/api/stats/dashboard${qs(days_range)}`),
    [range.from, range.to],
  );
  useLiveReload(['ticket'], reload);
  const suffix = `${range.from}_${range.to}`;

  return (
    <div className="page dashboard">
      <div className="page-header">
        <div className="grow">
          <h1>Tình hình tiếp nhận</h1>
          <div className="page-subtitle">
            Từ {range.from.split('-').reverse().join('/')} đến {range.to.split('-').reverse().join('/')}
            {loading && data && <span className="muted"> · đang cập nhật…</span>}
          </div>
        </div>
        <div className="page-actions export-actions">
          <DownloadButton size="sm" path={`/api/export/tickets.csv${qs(api_range)}`} name={`phieu-1022_${suffix}.csv`}>
            Phiếu CSV
          </DownloadButton>
          <DownloadButton size="sm" path={`/api/export/tickets.xlsx${qs(api_range)}`} name={`phieu-1022_${suffix}.xlsx`}>
            Phiếu Excel
          </DownloadButton>
          <DownloadButton
            size="sm"
            variant="primary"
            path={`/api/export/stats.xlsx${qs(days_range)}`}
            name={`thong-ke-1022_${suffix}.xlsx`}
          >
            Thống kê Excel
          </DownloadButton>
        </div>
      </div>
      <div className="period-bar">
        <div className="segmented" role="group" aria-label="Khoảng thời gian">
          {PRESETS.map((p) => (
            <button
              key={p.value}
              type="button"
              className={preset === p.value ? 'active' : ''}
              onClick={() => setQuery({ period: p.value === '7d' ? null : p.value, from: null, to: null })}
            >
              {p.label}
            </button>
          ))}
        </div>
        <DateRange
          from={range.from}
          to={range.to}
          onFrom={(v) => v && setQuery({ period: 'custom', from: v, to: range.to })}
          onTo={(v) => v && setQuery({ period: 'custom', from: range.from, to: v })}
        />
        <Link to={`/tickets${qs({ from: range.from, to: range.to, status: ALL_STATUSES })}`} className="link-btn small">
          Danh sách phiếu trong kỳ <Icon.chevronRight size={14} />
        </Link>
      </div>

      <ListState data={data} error={error} onRetry={reload} pad={false} loading={<DashboardSkeleton />}>
        {(d) => <Figures d={d} range={range} />}
      </ListState>
    </div>
  );
}

function DashboardSkeleton() {
  return (
    <>
      <div className="kpi-grid">
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="kpi">
            <Skeleton lines={3} />
          </div>
        ))}
      </div>
      <div className="dash-grid">
        <CardSkeleton lines={8} className="span-2" />
        <CardSkeleton lines={8} />
      </div>
    </>
  );
}

/** The figures of one period. */
function Figures({ d, range }: { d: Dashboard; range: { from: string; to: string } }) {
  const days = fillDays(d, range.from, range.to);
  const hours = Array.from({ length: 24 }, (_, h) => ({
    hour: `${h}h`,
    messages: d.byHour.find((x) => Number(x.hour) === h)?.messages ?? 0,
  }));
  const channels = d.byChannel.filter((c) => c.conversations || c.tickets).map((c) => ({ ...c, name: label(CHANNEL_LABELS, c.channel) }));
  const fields = [...d.byField].sort((a, b) => b.tickets - a.tickets).slice(0, 10);
  const agencies = [...d.byAgency].sort((a, b) => b.overdue - a.overdue || b.tickets - a.tickets).slice(0, 10);
  const maxAgency = Math.max(1, ...agencies.map((a) => a.tickets));
  const csat = ([1, 2, 3, 4, 5] as const).map((s) => ({ star: `${s}★`, count: Number(d.csat.distribution?.[s] ?? 0) }));
  const botShare = [
    { name: 'Trợ lý ảo tự giải quyết', value: d.totals.botResolved },
    { name: 'Chuyển tổng đài viên', value: d.totals.escalated },
  ];
  return (
    <>
      <div className="kpi-grid">
        <Kpi
          label="Hội thoại"
          icon={<Icon.message size={18} />}
          value={fmtNumber(d.totals.conversations)}
          sub={`${fmtNumber(d.totals.messagesIn)} tin nhắn đến`}
        />
        <Kpi
          label="Trợ lý ảo tự giải quyết"
          icon={<Icon.bot size={18} />}
          value={fmtPercent(d.totals.botResolvedRate)}
          bar={d.totals.botResolvedRate > 1 ? d.totals.botResolvedRate / 100 : d.totals.botResolvedRate}
          sub={`${fmtNumber(d.totals.botResolved)} tự giải quyết · ${fmtNumber(d.totals.escalated)} chuyển người`}
          tone="ok"
        />
        <Kpi
          label="Phiếu"
          icon={<Icon.ticket size={18} />}
          value={fmtNumber(d.totals.tickets)}
          sub={`${fmtNumber(d.totals.escalated)} hội thoại chuyển tổng đài viên`}
        />
        <Kpi label="Đang mở" icon={<Icon.inbox size={18} />} value={fmtNumber(d.totals.open)} sub="phiếu chưa đóng" />
        <Kpi
          label="Quá hạn"
          icon={<Icon.clock size={18} />}
          value={fmtNumber(d.totals.overdue)}
          sub="phiếu mở đã quá hạn xử lý"
          tone={d.totals.overdue > 0 ? 'danger' : undefined}
        />
        <Kpi
          label="Phản hồi đầu"
          icon={<Icon.zap size={18} />}
          value={hoursMinutes(d.firstResponse.p50_s) || '—'}
          sub={`giờ:phút, trung vị · 90% trong ${hoursMinutes(d.firstResponse.p90_s) || '—'}`}
        />
        <Kpi
          label="Giải quyết xong"
          icon={<Icon.check size={18} />}
          value={hoursMinutes(d.resolution.p50_s) || '—'}
          sub={`giờ:phút, trung vị · 90% trong ${hoursMinutes(d.resolution.p90_s) || '—'}`}
        />
        <Kpi
          label="Mức độ hài lòng"
          icon={<Icon.star size={18} />}
          value={d.csat.average ? `${d.csat.average.toLocaleString('vi-VN', { maximumFractionDigits: 2 })} / 5` : '—'}
          sub={`${fmtNumber(d.csat.count)} lượt đánh giá`}
          tone={d.csat.average && d.csat.average < 3.5 ? 'warn' : undefined}
        />
      </div>

      <div className="dash-grid">
        <ChartCard title="Lượng liên hệ theo ngày" className="span-2" empty={!days.length && <Empty title="Chưa có dữ liệu" />}>
          <ResponsiveContainer width="100%" height={260}>
            <ComposedChart data={days} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
              <defs>
                <linearGradient id="gConv" x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0" stopColor="#2f7fc8" stopOpacity={0.35} />
                  <stop offset="1" stopColor="#2f7fc8" stopOpacity={0.02} />
                </linearGradient>
              </defs>
              <CartesianGrid stroke="#edf1f6" vertical={false} />
              <XAxis {...xAxis} dataKey="label" tick={axisTick(12)} minTickGap={16} />
              <YAxis {...yAxis} tick={axisTick(12)} />
              <Tooltip contentStyle={tooltipStyle} />
              <Legend iconType="circle" wrapperStyle={{ fontSize: 13 }} />
              <Area
                isAnimationActive={animate}
                type="monotone"
                dataKey="conversations"
                name="Hội thoại"
                stroke="#2f7fc8"
                strokeWidth={2}
                fill="url(#gConv)"
              />
              <Bar isAnimationActive={animate} dataKey="tickets" name="Phiếu" fill="#0b4f8a" radius={[3, 3, 0, 0]} maxBarSize={18} />
            </ComposedChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard title="Trợ lý ảo và tổng đài viên" empty={!d.totals.conversations && <Empty title="Chưa có hội thoại" />}>
          <div className="donut-wrap">
            <ResponsiveContainer width="100%" height={200}>
              <PieChart>
                <Pie
                  isAnimationActive={animate}
                  data={botShare}
                  dataKey="value"
                  nameKey="name"
                  innerRadius={58}
                  outerRadius={84}
                  paddingAngle={2}
                  stroke="none"
                >
                  <Cell fill="#2f9e5a" />
                  <Cell fill="#e0a23b" />
                </Pie>
                <Tooltip contentStyle={tooltipStyle} />
              </PieChart>
            </ResponsiveContainer>
            <div className="donut-center">
              <div className="donut-value">{fmtPercent(d.totals.botResolvedRate)}</div>
              <div className="donut-label">bot tự giải quyết</div>
            </div>
            <ul className="legend-list">
              <li>
                <span className="swatch" style={{ background: '#2f9e5a' }} /> Tự giải quyết <b>{fmtNumber(d.totals.botResolved)}</b>
              </li>
              <li>
                <span className="swatch" style={{ background: '#e0a23b' }} /> Chuyển tổng đài viên <b>{fmtNumber(d.totals.escalated)}</b>
              </li>
            </ul>
          </div>
        </ChartCard>

        <ChartCard title="Theo giờ trong ngày">
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={hours} margin={{ top: 8, right: 4, left: -20, bottom: 0 }}>
              <CartesianGrid stroke="#edf1f6" vertical={false} />
              <XAxis {...xAxis} dataKey="hour" tick={axisTick(11)} interval={2} />
              <YAxis {...yAxis} tick={axisTick(11)} />
              <Tooltip {...barTooltip} />
              <Bar isAnimationActive={animate} dataKey="messages" name="Tin nhắn đến" fill="#2f7fc8" radius={[3, 3, 0, 0]} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard title="Theo kênh" empty={!channels.length && <Empty title="Chưa có dữ liệu" />}>
          <ul className="bar-list">
            {channels
              .sort((a, b) => b.conversations - a.conversations)
              .map((c) => {
                const max = Math.max(1, ...channels.map((x) => x.conversations));
                return (
                  <li key={c.channel}>
                    <span className="bar-list-label">
                      <ChannelIcon channel={c.channel} size={16} /> {c.name}
                    </span>
                    <span className="bar-track">
                      <span
                        className="bar-fill"
                        style={{ width: `${(c.conversations / max) * 100}%`, background: CHANNEL_COLORS[c.channel] ?? '#2f7fc8' }}
                      />
                    </span>
                    <span className="bar-list-value">
                      {fmtNumber(c.conversations)}
                      <span className="muted small"> · {fmtNumber(c.tickets)} phiếu</span>
                    </span>
                  </li>
                );
              })}
          </ul>
        </ChartCard>

        <ChartCard title="Phiếu theo lĩnh vực" empty={!fields.length && <Empty title="Chưa có phiếu" />}>
          <ResponsiveContainer width="100%" height={Math.max(160, fields.length * 30 + 20)}>
            <BarChart data={fields} layout="vertical" margin={{ top: 0, right: 16, left: 8, bottom: 0 }}>
              <XAxis type="number" hide allowDecimals={false} />
              <YAxis
                type="category"
                dataKey="label"
                width={168}
                tick={{ fontSize: 12, fill: '#33414f' }}
                tickLine={false}
                axisLine={false}
                tickFormatter={(v: string) => (v.length > 24 ? `${v.slice(0, 23).trim()}…` : v)}
              />
              <Tooltip {...barTooltip} />
              <Bar
                isAnimationActive={animate}
                dataKey="tickets"
                name="Phiếu"
                radius={[0, 4, 4, 0]}
                barSize={16}
                label={{ position: 'right', fontSize: 12, fill: '#33414f' }}
              >
                {fields.map((_, i) => (
                  <Cell key={i} fill={BLUES[Math.min(i, 2)]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard title="Phiếu theo cơ quan" className="span-2" empty={!agencies.length && <Empty title="Chưa có phiếu chuyển cơ quan" />}>
          <Table
            className="compact"
            columns={
              <>
                <th>Cơ quan</th>
                <th className="w-40">Số phiếu</th>
                <th className="num">Đang mở</th>
                <th className="num">Quá hạn</th>
              </>
            }
            items={agencies}
            row={(a) => (
              <tr key={a.code} className={a.overdue ? 'row-overdue' : ''}>
                <td>
                  <Link to={`/tickets${qs({ agency: a.code, from: range.from, to: range.to, status: ALL_STATUSES })}`}>{a.name}</Link>
                </td>
                <td>
                  <span className="inline-bar">
                    <span className="bar-track">
                      <span className="bar-fill" style={{ width: `${(a.tickets / maxAgency) * 100}%` }} />
                    </span>
                    <span className="num">{fmtNumber(a.tickets)}</span>
                  </span>
                </td>
                <td className="num">{fmtNumber(a.open)}</td>
                <td className="num">{a.overdue ? <Chip tone="red">{fmtNumber(a.overdue)}</Chip> : <span className="muted">0</span>}</td>
              </tr>
            )}
          />
        </ChartCard>

        <ChartCard
          title="Mức độ hài lòng"
          empty={
            !d.csat.count && (
              <Empty icon={<Icon.star size={26} />} title="Chưa có đánh giá">
                Người dân được mời đánh giá 1–5 sao sau khi phiếu đóng.
              </Empty>
            )
          }
        >
          <div className="csat-head">
            <span className="csat-avg">{d.csat.average?.toLocaleString('vi-VN', { maximumFractionDigits: 2 })}</span>
            <span className="stars big">
              {'★★★★★'.slice(0, Math.round(d.csat.average ?? 0))}
              <span className="stars-off">{'★★★★★'.slice(Math.round(d.csat.average ?? 0))}</span>
            </span>
            <span className="muted small">{fmtNumber(d.csat.count)} đánh giá</span>
          </div>
          <ResponsiveContainer width="100%" height={150}>
            <BarChart data={csat} margin={{ top: 4, right: 4, left: -24, bottom: 0 }}>
              <XAxis {...xAxis} dataKey="star" tick={axisTick(12)} />
              <YAxis {...yAxis} tick={axisTick(11)} />
              <Tooltip {...barTooltip} />
              <Bar isAnimationActive={animate} dataKey="count" name="Lượt" radius={[3, 3, 0, 0]}>
                {csat.map((_, i) => (
                  <Cell key={i} fill={CSAT_COLORS[i]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>

        <ChartCard
          title="Tổng đài viên"
          className="span-3"
          empty={!d.operators.length && <Empty icon={<Icon.users size={26} />} title="Chưa có hoạt động của tổng đài viên trong kỳ" />}
        >
          <Table
            className="compact"
            columns={
              <>
                <th>Tổng đài viên</th>
                <th className="num">Tiếp nhận</th>
                <th className="num">Tin trả lời</th>
                <th className="num">Đã đóng</th>
                <th className="num">Phản hồi đầu (trung vị, giờ:phút)</th>
                <th className="num">Hoạt động gần nhất</th>
              </>
            }
            items={[...d.operators].sort((a, b) => b.replies - a.replies)}
            row={(o) => (
              <tr key={o.userId}>
                <td className="strong">{o.name}</td>
                <td className="num">{fmtNumber(o.takenOver)}</td>
                <td className="num">{fmtNumber(o.replies)}</td>
                <td className="num">{fmtNumber(o.closed)}</td>
                <td className="num">{hoursMinutes(o.firstResponseP50_s) || '—'}</td>
                <td className="num muted">{o.lastActivityAt ? fmtWhen(o.lastActivityAt) : '—'}</td>
              </tr>
            )}
          />
        </ChartCard>
      </div>
    </>
  );
}
