/** Inline SVG icons: channel badges in brand colours and a stroke icon set for the interface. */
import { Fragment, type ReactElement, type ReactNode, type SVGProps } from 'react';
import { CHANNEL_LABELS, label } from '@wire/labels';

const CHANNEL_STYLE: Record<string, { bg: string; glyph: ReactNode }> = {
  zalo: {
    bg: '#0068ff',
    glyph: (
      <>
        <path
          d="M6 7.2c0-1.2 1-2.2 2.2-2.2h7.6c1.2 0 2.2 1 2.2 2.2v6.1c0 1.2-1 2.2-2.2 2.2h-4.6L8.3 18v-2.5h-.1C7 15.5 6 14.5 6 13.3z"
          fill="#fff"
        />
        <path d="M9.3 8.4h3.6l-3.6 4.2h3.7" fill="none" stroke="#0068ff" strokeWidth="1.35" strokeLinecap="round" strokeLinejoin="round" />
        <circle cx="14.9" cy="11.2" r="1.25" fill="none" stroke="#0068ff" strokeWidth="1.2" />
      </>
    ),
  },
  facebook: {
    bg: 'linear',
    glyph: (
      <>
        <path
          d="M12 4.8c-4.1 0-7.2 3-7.2 6.8 0 2 .9 3.8 2.4 5v2.6l2.3-1.3c.8.2 1.6.3 2.5.3 4.1 0 7.2-3 7.2-6.7S16.1 4.8 12 4.8z"
          fill="#fff"
        />
        <path
          d="m7.9 13.7 2.6-2.8 1.6 1.5 2.9-1.6-2.6 2.8-1.6-1.5z"
          fill="#1877f2"
          stroke="#1877f2"
          strokeWidth=".8"
          strokeLinejoin="round"
        />
      </>
    ),
  },
  email: {
    bg: '#52667a',
    glyph: (
      <>
        <rect x="5.2" y="7" width="13.6" height="10" rx="1.6" fill="#fff" />
        <path d="m5.8 7.8 6.2 4.8 6.2-4.8" fill="none" stroke="#52667a" strokeWidth="1.4" strokeLinejoin="round" />
      </>
    ),
  },
  livechat: {
    bg: '#0e8f7e',
    glyph: (
      <>
        <path
          d="M5.5 7.6c0-1.3 1-2.3 2.3-2.3h8.4c1.3 0 2.3 1 2.3 2.3v5.6c0 1.3-1 2.3-2.3 2.3h-5l-3.5 2.7v-2.7c-1.2-.1-2.2-1.1-2.2-2.3z"
          fill="#fff"
        />
        <circle cx="9" cy="10.4" r=".95" fill="#0e8f7e" />
        <circle cx="12" cy="10.4" r=".95" fill="#0e8f7e" />
        <circle cx="15" cy="10.4" r=".95" fill="#0e8f7e" />
      </>
    ),
  },
  edongthap: {
    bg: '#c2185b',
    glyph: (
      <>
        {/* A lotus: Đồng Tháp, "đất sen hồng". */}
        <path d="M12 5.6c1.5 1.6 2.2 3.4 2.2 5.2 0 1.9-1 3.4-2.2 4.5-1.2-1.1-2.2-2.6-2.2-4.5 0-1.8.7-3.6 2.2-5.2z" fill="#fff" />
        <path
          d="M6 9.6c2.1.1 3.9 1 5 2.6.7 1 1 2.1 1 3.3-1.3.1-2.8-.2-4-1.2C6.8 13.2 6 11.6 6 9.6zM18 9.6c-2.1.1-3.9 1-5 2.6-.7 1-1 2.1-1 3.3 1.3.1 2.8-.2 4-1.2 1.2-1.1 2-2.7 2-4.7z"
          fill="#fff"
          opacity=".92"
        />
        <path d="M7 17.6h10" stroke="#fff" strokeWidth="1.4" strokeLinecap="round" />
      </>
    ),
  },
  phone: {
    bg: '#2e7d32',
    glyph: (
      <path
        d="M8.6 5.4 10 5c.4-.1.8.1 1 .5l.9 2.2c.2.4.1.8-.2 1.1l-1.1 1c.6 1.4 1.7 2.5 3.1 3.1l1-1.1c.3-.3.7-.4 1.1-.2l2.2.9c.4.2.6.6.5 1l-.4 1.4c-.2.6-.7 1-1.3 1C11.3 16.6 7.4 12.7 7.3 7.2c0-.6.4-1.1 1-1.3z"
        fill="#fff"
      />
    ),
  },
};

/** A channel's badge (brand colour, white glyph) with its Vietnamese name as tooltip. */
export function ChannelIcon({ channel, size = 18, title }: { channel: string; size?: number; title?: string }) {
  const s = CHANNEL_STYLE[channel] ?? CHANNEL_STYLE.livechat;
  const gid = `g-${channel}`;
  return (
    <svg
      className="channel-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      role="img"
      aria-label={title ?? label(CHANNEL_LABELS, channel)}
    >
      <title>{title ?? label(CHANNEL_LABELS, channel)}</title>
      {s.bg === 'linear' && (
        <defs>
          <linearGradient id={gid} x1="0" y1="1" x2="1" y2="0">
            <stop offset="0" stopColor="#0a7cff" />
            <stop offset=".6" stopColor="#a033ff" />
            <stop offset="1" stopColor="#ff5c87" />
          </linearGradient>
        </defs>
      )}
      <rect width="24" height="24" rx="6.5" fill={s.bg === 'linear' ? `url(#${gid})` : s.bg} />
      {s.glyph}
    </svg>
  );
}

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

/** An icon drawn with strokes from `shapes`: a string is a path's `d`, an element is drawn as it is. */
function stroke(...shapes: (string | ReactElement)[]) {
  const paths = shapes.map((s, i) => (typeof s === 'string' ? <path key={i} d={s} /> : <Fragment key={i}>{s}</Fragment>));
  return function Icon({ size = 18, ...rest }: IconProps) {
    return (
      <svg
        className="icon"
        width={size}
        height={size}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.8}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        {...rest}
      >
        {paths}
      </svg>
    );
  };
}

/** The interface icons (Lucide-like strokes). */
export const Icon = {
  inbox: stroke(
    'M22 12h-6l-2 3h-4l-2-3H2',
    'M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z',
  ),
  ticket: stroke(
    'M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v2a3 3 0 0 0 0 6v2a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-2a3 3 0 0 0 0-6z',
    'M13 5v2M13 11v2M13 17v2',
  ),
  chart: stroke('M3 3v18h18', 'M7 15l4-4 3 3 5-6'),
  book: stroke('M4 19.5A2.5 2.5 0 0 1 6.5 17H20', 'M6.5 2H20v20H6.5A2.5 2.5 0 0 1 4 19.5v-15A2.5 2.5 0 0 1 6.5 2z', 'M9 7h7M9 11h5'),
  users: stroke(
    'M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2',
    <circle cx="9" cy="7" r="4" />,
    'M22 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75',
  ),
  user: stroke(<circle cx="12" cy="8" r="4" />, 'M4 21v-1a7 7 0 0 1 16 0v1'),
  settings: stroke(
    'M12.22 2h-.44a2 2 0 0 0-2 2v.18a2 2 0 0 1-1 1.73l-.43.25a2 2 0 0 1-2 0l-.15-.08a2 2 0 0 0-2.73.73l-.22.38a2 2 0 0 0 .73 2.73l.15.1a2 2 0 0 1 1 1.72v.51a2 2 0 0 1-1 1.74l-.15.09a2 2 0 0 0-.73 2.73l.22.38a2 2 0 0 0 2.73.73l.15-.08a2 2 0 0 1 2 0l.43.25a2 2 0 0 1 1 1.73V20a2 2 0 0 0 2 2h.44a2 2 0 0 0 2-2v-.18a2 2 0 0 1 1-1.73l.43-.25a2 2 0 0 1 2 0l.15.08a2 2 0 0 0 2.73-.73l.22-.39a2 2 0 0 0-.73-2.73l-.15-.08a2 2 0 0 1-1-1.74v-.5a2 2 0 0 1 1-1.74l.15-.09a2 2 0 0 0 .73-2.73l-.22-.38a2 2 0 0 0-2.73-.73l-.15.08a2 2 0 0 1-2 0l-.43-.25a2 2 0 0 1-1-1.73V4a2 2 0 0 0-2-2z',
    <circle cx="12" cy="12" r="3" />,
  ),
  search: stroke(<circle cx="11" cy="11" r="7" />, 'm20 20-3.5-3.5'),
  send: stroke('M22 2 11 13', 'M22 2 15 22l-4-9-9-4z'),
  note: stroke('M15.5 3H5a2 2 0 0 0-2 2v14c0 1.1.9 2 2 2h14a2 2 0 0 0 2-2V8.5z', 'M15 3v6h6M8 13h8M8 17h5'),
  paperclip: stroke('m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48'),
  check: stroke('M20 6 9 17l-5-5'),
  checks: stroke('M18 6 7 17l-5-5', 'm22 10-7.5 7.5L13 16'),
  clock: stroke(<circle cx="12" cy="12" r="9" />, 'M12 7v5l3 2'),
  alert: stroke('m21.73 18-8-14a2 2 0 0 0-3.48 0l-8 14A2 2 0 0 0 4 21h16a2 2 0 0 0 1.73-3z', 'M12 9v4M12 17h.01'),
  info: stroke(<circle cx="12" cy="12" r="9" />, 'M12 16v-4M12 8h.01'),
  x: stroke('M18 6 6 18M6 6l12 12'),
  chevronDown: stroke('m6 9 6 6 6-6'),
  chevronRight: stroke('m9 18 6-6-6-6'),
  chevronLeft: stroke('m15 18-6-6 6-6'),
  logout: stroke('M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'm16 17 5-5-5-5M21 12H9'),
  plug: stroke('M12 22v-5M9 8V2M15 8V2', 'M18 8v5a4 4 0 0 1-4 4h-4a4 4 0 0 1-4-4V8z'),
  bot: stroke(
    <rect x="4" y="8" width="16" height="12" rx="3" />,
    'M12 8V4M9 4h6',
    <circle cx="9" cy="14" r="1.2" fill="currentColor" stroke="none" />,
    <circle cx="15" cy="14" r="1.2" fill="currentColor" stroke="none" />,
  ),
  filter: stroke('M22 3H2l8 9.46V19l4 2v-8.54z'),
  download: stroke('M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4', 'm7 10 5 5 5-5M12 15V3'),
  printer: stroke('M6 9V2h12v7', 'M6 18H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-2', 'M6 14h12v8H6z'),
  history: stroke('M3 12a9 9 0 1 0 9-9 9.75 9.75 0 0 0-6.74 2.74L3 8', 'M3 3v5h5M12 7v5l4 2'),
  restore: stroke('M3 2v6h6', 'M3 13a9 9 0 1 0 3-7.7L3 8'),
  plus: stroke('M12 5v14M5 12h14'),
  trash: stroke('M3 6h18M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6M10 11v6M14 11v6', 'M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2'),
  edit: stroke('M12 20h9', 'M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4z'),
  keyboard: stroke(
    <rect x="2" y="5" width="20" height="14" rx="2" />,
    'M6 9h.01M10 9h.01M14 9h.01M18 9h.01M6 13h.01M18 13h.01M10 13h4M7 16h10',
  ),
  bell: stroke('M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9', 'M10.3 21a1.94 1.94 0 0 0 3.4 0'),
  menu: stroke('M4 6h16M4 12h16M4 18h16'),
  lock: stroke(<rect x="4" y="11" width="16" height="10" rx="2" />, 'M8 11V7a4 4 0 0 1 8 0v4'),
  shield: stroke('M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z', 'm9 12 2 2 4-4'),
  merge: stroke(<circle cx="18" cy="18" r="3" />, <circle cx="6" cy="6" r="3" />, 'M6 21V9a9 9 0 0 0 9 9'),
  phoneCall: stroke(
    'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.9.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92z',
  ),
  building: stroke(
    <rect x="4" y="2" width="16" height="20" rx="2" />,
    'M9 22v-4h6v4M8 6h.01M16 6h.01M12 6h.01M12 10h.01M12 14h.01M16 10h.01M16 14h.01M8 10h.01M8 14h.01',
  ),
  forward: stroke('m15 17 5-5-5-5', 'M4 18v-2a4 4 0 0 1 4-4h12'),
  hand: stroke(
    'M18 11V6a2 2 0 0 0-4 0v5M14 10V4a2 2 0 0 0-4 0v6M10 10.5V6a2 2 0 0 0-4 0v8',
    'M18 8a2 2 0 1 1 4 0v6a8 8 0 0 1-8 8h-2c-2.8 0-4.5-.86-5.99-2.34l-3.6-3.6a2 2 0 0 1 2.83-2.82L7 15',
  ),
  undo: stroke('M9 14 4 9l5-5', 'M4 9h10.5a5.5 5.5 0 0 1 0 11H11'),
  file: stroke('M14.5 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V7.5z', 'M14 2v6h6'),
  image: stroke(
    <rect x="3" y="3" width="18" height="18" rx="2" />,
    <circle cx="9" cy="9" r="2" />,
    'm21 15-3.09-3.09a2 2 0 0 0-2.82 0L6 21',
  ),
  star: stroke('m12 2 3.09 6.26L22 9.27l-5 4.87 1.18 6.88L12 17.77l-6.18 3.25L7 14.14 2 9.27l6.91-1.01z'),
  sparkles: stroke(
    'm12 3-1.9 5.8a2 2 0 0 1-1.3 1.3L3 12l5.8 1.9a2 2 0 0 1 1.3 1.3L12 21l1.9-5.8a2 2 0 0 1 1.3-1.3L21 12l-5.8-1.9a2 2 0 0 1-1.3-1.3z',
  ),
  list: stroke('M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01'),
  upload: stroke('M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4', 'm17 8-5-5-5 5M12 3v12'),
  external: stroke('M15 3h6v6M10 14 21 3', 'M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6'),
  refresh: stroke('M3 12a9 9 0 0 1 15-6.7L21 8', 'M21 3v5h-5M21 12a9 9 0 0 1-15 6.7L3 16', 'M8 16H3v5'),
  flag: stroke('M4 15s1-1 4-1 5 2 8 2 4-1 4-1V3s-1 1-4 1-5-2-8-2-4 1-4 1z', 'M4 22v-7'),
  message: stroke('M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z'),
  tag: stroke(
    'M12.59 2.59A2 2 0 0 0 11.17 2H4a2 2 0 0 0-2 2v7.17a2 2 0 0 0 .59 1.42l8.7 8.7a2.4 2.4 0 0 0 3.42 0l6.58-6.58a2.4 2.4 0 0 0 0-3.42z',
    <circle cx="7.5" cy="7.5" r="1.5" />,
  ),
  calendar: stroke(<rect x="3" y="4" width="18" height="18" rx="2" />, 'M16 2v4M8 2v4M3 10h18'),
  inboxCheck: stroke('M22 12h-6l-2 3h-4l-2-3H2', 'M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89', 'm9 6 2 2 4-4'),
  eye: stroke('M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z', <circle cx="12" cy="12" r="3" />),
  zap: stroke('M13 2 3 14h9l-1 8 10-12h-9z'),
};
