/*!
 * Cổng 1022 — live-chat widget. Served by the gateway at GET /widget.js.
 *
 * Embed with one tag:
 *   <script src="https://<gateway>/widget.js" data-title="Tổng đài 1022" data-color="#0b5394"
 *           data-user-id="…" data-user-hash="…" data-user-name="…" async></script>
 *
 * Plain ES2019, no build step, no framework; styles live in a shadow DOM so the host page and
 * the widget cannot restyle each other. Message data is only ever rendered with textContent.
 * Wire protocol: adapters/livechat/protocol.ts (keep both in step).
 */
(function () {
  'use strict';

  if (window.__cong1022Widget) return;
  window.__cong1022Widget = true;

  // ---------------------------------------------------------------------------------------
  // Configuration from the script tag
  // ---------------------------------------------------------------------------------------

  var script =
    document.currentScript ||
    Array.prototype.slice.call(document.querySelectorAll('script[src]')).filter(function (s) {
      return /\/widget\.js(\?|#|$)/.test(s.src);
    })[0];
  if (!script) return;

  var data = script.dataset || {};
  /** The gateway's base URL: the directory the script was served from (works behind a path prefix). */
  var BASE = new URL('.', script.src);
  var COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.color || '') ? data.color : '#0b5394';
  var TITLE = (data.title || 'Tổng đài 1022').slice(0, 60);
  var SUBTITLE = 'Hỏi đáp thủ tục hành chính';
  var MAX_TEXT = 4000;
  /** Until the gateway says otherwise (`session.limits`). */
  var MAX_FILE_BYTES = 5 * 1024 * 1024;
  var FILE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'];
  var IDENTITY = data.userId && data.userHash ? { userId: data.userId, hash: data.userHash, name: data.userName || undefined } : null;
  /** Storage keys are per gateway, so two gateways embedded on one site do not mix sessions. */
  var KEY = 'cong1022:' + BASE.host + ':';

  var T = {
    open: 'Mở trò chuyện với ' + TITLE,
    close: 'Đóng cửa sổ trò chuyện',
    heading: TITLE,
    subtitle: SUBTITLE,
    placeholder: 'Nhập câu hỏi…',
    send: 'Gửi',
    attach: 'Đính kèm',
    removeFile: 'Bỏ tệp đính kèm',
    connecting: 'Đang kết nối…',
    reconnecting: 'Đang kết nối lại…',
    operator: function (name) {
      return 'Tổng đài viên ' + name + ' đang hỗ trợ';
    },
    typing: function (name) {
      return (name || TITLE) + ' đang soạn tin…';
    },
    bot: (data.botName || 'Trợ lý ảo 1022').slice(0, 60),
    operatorDefault: 'Tổng đài viên',
    you: 'Bạn',
    pending: 'Đang gửi…',
    sent: 'Đã gửi',
    delivered: 'Đã nhận',
    read: 'Đã xem',
    failed: 'Không gửi được',
    welcomeTitle: 'Xin chào!',
    welcomeText: 'Bạn cần hỏi về thủ tục hành chính nào? Hãy nhập câu hỏi, ' + TITLE + ' sẽ trả lời ngay và chuyển tổng đài viên khi cần.',
    privacy: 'Vui lòng không gửi mật khẩu hoặc mã OTP.',
    tooLong: function () {
      return 'Tin nhắn quá dài (tối đa ' + MAX_TEXT + ' ký tự).';
    },
    fileType: 'Chỉ gửi được ảnh (JPG, PNG, GIF, WEBP) hoặc tệp PDF.',
    fileSize: function (max) {
      return 'Tệp quá lớn (tối đa ' + formatBytes(max) + ').';
    },
    fileEmpty: 'Tệp trống, vui lòng chọn tệp khác.',
    fileRead: 'Không đọc được tệp, vui lòng thử lại.',
    fileOpen: 'Không mở được tệp.',
    unavailable: 'Không kết nối được máy chủ. Tin nhắn sẽ được gửi khi có kết nối.',
    newMessages: function (n) {
      return n + ' tin nhắn mới';
    },
    prechatIntro: 'Trước khi bắt đầu, vui lòng cho biết một vài thông tin để tổng đài hỗ trợ bạn.',
    prechatName: 'Họ và tên',
    prechatPhone: 'Số điện thoại',
    prechatOptional: ' (không bắt buộc)',
    prechatStart: 'Bắt đầu trò chuyện',
  };

  // ---------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------

  // Our keys in localStorage (kept across visits) or sessionStorage (this tab). Either may throw (private
  // mode, quota): the page still works, it just will not survive a reload. `set(key, null)` removes.
  function webStorage(area) {
    return {
      get: function (key) {
        try {
          return window[area].getItem(KEY + key);
        } catch (e) {
          return null;
        }
      },
      set: function (key, value) {
        try {
          if (value === null) window[area].removeItem(KEY + key);
          else window[area].setItem(KEY + key, value);
          return true;
        } catch (e) {
          return false;
        }
      },
    };
  }
  var localStore = webStorage('localStorage');
  var tabStore = webStorage('sessionStorage');

  function newClientId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return 'c' + Date.now().toString(36) + '-' + hex;
  }

  function formatBytes(n) {
    if (n >= 1024 * 1024) return Math.round((n / (1024 * 1024)) * 10) / 10 + ' MB';
    if (n >= 1024) return Math.round(n / 1024) + ' KB';
    return n + ' B';
  }

  function formatTime(ms) {
    try {
      return new Date(ms).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' });
    } catch (e) {
      return '';
    }
  }

  /** Creates an element; `props` sets attributes (`text` sets textContent, `on*` adds listeners). */
  function h(tag, props, children) {
    var el = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') el.textContent = v;
        else if (k === 'class') el.className = v;
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }

  /** Constant SVG icons (static markup only; never message data). */
  var ICONS = {
    chat: '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M12 3C6.5 3 2 6.8 2 11.5c0 2.4 1.2 4.6 3.1 6.1-.1 1.3-.6 2.6-1.6 3.6 0 0 2.9-.2 5-1.8 1.1.3 2.3.5 3.5.5 5.5 0 10-3.8 10-8.5S17.5 3 12 3Zm-4.5 9.8a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Zm4.5 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Zm4.5 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Z"/></svg>',
    down: '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" d="m6 9 6 6 6-6"/></svg>',
    close:
      '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" d="M6 6l12 12M18 6 6 18"/></svg>',
    send: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z"/></svg>',
    clip: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="m21 11.5-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"/></svg>',
    file: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" d="M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5V8zM14 3v5h5"/></svg>',
    agent:
      '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9Zm0 2c-4.4 0-8 2.2-8 5v2h16v-2c0-2.8-3.6-5-8-5Z"/></svg>',
    clock:
      '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true"><circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M8 4.6V8l2.2 1.4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/></svg>',
    check:
      '<svg viewBox="0 0 16 16" width="14" height="12" aria-hidden="true"><path d="m2.5 8.5 3 3 7-7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    checks:
      '<svg viewBox="0 0 20 16" width="17" height="12" aria-hidden="true"><path d="m1.5 8.5 3 3 7-7M8.5 11.5l7-7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    alert:
      '<svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4.5v4.2M8 11.2v.3" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>',
  };
  function icon(name, cls) {
    var span = h('span', { class: 'icon' + (cls ? ' ' + cls : '') });
    span.innerHTML = ICONS[name];
    return span;
  }

  /** Appends `text` to `parent`, turning http(s) URLs into safe links (bot and operator messages only). */
  function appendLinkified(parent, text) {
    var re = /\bhttps?:\/\/[^\s<>"'`]+/gi;
    var last = 0;
    var m;
    while ((m = re.exec(text))) {
      var raw = m[0].replace(/[.,;:!?)\]}'"]+$/, '');
      var url = null;
      try {
        var u = new URL(raw);
        if (u.protocol === 'http:' || u.protocol === 'https:') url = u.href;
      } catch (e) {
        url = null;
      }
      if (!url) continue;
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      parent.appendChild(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: raw }));
      last = m.index + raw.length;
      re.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function safeHttpUrl(url) {
    try {
      var u = new URL(url, BASE);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Styles (scoped to the shadow root)
  // ---------------------------------------------------------------------------------------

  var CSS = [
    ':host{all:initial}',
    '*,*::before,*::after{box-sizing:border-box}',
    '.root{--c:#0b5394;--c-dark:#083b6e;--c-soft:#eef3f9;--c-ring:rgba(11,83,148,.45);',
    'font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;font-size:14.5px;line-height:1.45;color:#1c2733;',
    'position:fixed;right:20px;bottom:20px;z-index:2147483000;-webkit-font-smoothing:antialiased}',
    '.icon{display:inline-flex;align-items:center;justify-content:center;line-height:0}',
    '.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}',
    'button{font:inherit;color:inherit;cursor:pointer}',
    ':focus-visible{outline:3px solid var(--c-ring);outline-offset:2px}',
    // Launcher
    '.launcher{position:relative;width:60px;height:60px;border-radius:50%;border:0;background:var(--c);color:#fff;display:flex;align-items:center;justify-content:center;',
    'box-shadow:0 6px 20px rgba(11,35,70,.28),0 2px 6px rgba(11,35,70,.18);transition:transform .18s ease,box-shadow .18s ease;margin-left:auto}',
    '.launcher:hover{transform:translateY(-2px);box-shadow:0 10px 26px rgba(11,35,70,.32)}',
    '.badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#d93025;color:#fff;font-size:12px;font-weight:700;',
    'display:flex;align-items:center;justify-content:center;border:2px solid #fff}',
    '.badge[hidden]{display:none}',
    // Panel
    '.panel{position:absolute;right:0;bottom:76px;width:380px;height:min(640px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;border-radius:18px;overflow:hidden;',
    'box-shadow:0 18px 60px rgba(11,35,70,.22),0 4px 14px rgba(11,35,70,.12);transform-origin:bottom right;animation:pop .2s ease-out}',
    '.panel[hidden]{display:none}',
    '@keyframes pop{from{opacity:0;transform:translateY(12px) scale(.97)}to{opacity:1;transform:none}}',
    '.header{display:flex;align-items:center;gap:12px;padding:16px 14px 16px 18px;color:#fff;background:linear-gradient(135deg,var(--c) 0%,var(--c-dark) 100%)}',
    '.avatar{flex:none;width:42px;height:42px;border-radius:50%;background:#fff;color:var(--c);display:flex;align-items:center;justify-content:center;font-weight:800;font-size:13px;letter-spacing:-.3px;box-shadow:0 0 0 3px rgba(255,255,255,.25)}',
    '.htext{flex:1;min-width:0}',
    '.title{margin:0;font-size:16.5px;font-weight:700;line-height:1.25}',
    '.subtitle{margin:2px 0 0;font-size:12.5px;opacity:.9;display:flex;align-items:center;gap:6px}',
    '.dot{width:8px;height:8px;border-radius:50%;background:#3ddc84;box-shadow:0 0 0 2px rgba(61,220,132,.3)}',
    '.dot.off{background:#f4b400;box-shadow:0 0 0 2px rgba(244,180,0,.3)}',
    '.close{flex:none;width:36px;height:36px;border-radius:50%;border:0;background:transparent;color:#fff;display:flex;align-items:center;justify-content:center}',
    '.close:hover{background:rgba(255,255,255,.16)}',
    '.banner{display:flex;align-items:center;gap:8px;padding:8px 16px;font-size:13px;border-bottom:1px solid #e6ebf1}',
    '.banner[hidden]{display:none}',
    '.banner.operator{background:var(--c-soft);color:var(--c-dark);font-weight:600}',
    '.banner.conn{background:#fff8e1;color:#7a5b00}',
    '.spinner{width:12px;height:12px;border-radius:50%;border:2px solid currentColor;border-right-color:transparent;animation:spin .8s linear infinite}',
    '@keyframes spin{to{transform:rotate(360deg)}}',
    // Messages
    '.scroll{position:relative;flex:1;overflow-y:auto;padding:16px 14px 8px;background:#f4f6fa;overscroll-behavior:contain}',
    '.welcome{margin:4px 6px 16px;padding:16px;border-radius:14px;background:#fff;border:1px solid #e3e8ef;text-align:center}',
    '.welcome[hidden]{display:none}',
    '.welcome strong{display:block;font-size:15.5px;margin-bottom:4px;color:var(--c-dark)}',
    '.welcome p{margin:0;color:#51606f;font-size:13.5px}',
    '.list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}',
    '.row{display:flex;align-items:flex-end;gap:8px;max-width:100%}',
    '.row.in{justify-content:flex-end}',
    '.row.system{justify-content:center}',
    '.mini{flex:none;width:28px;height:28px;border-radius:50%;background:var(--c);color:#fff;font-size:9.5px;font-weight:800;display:flex;align-items:center;justify-content:center}',
    '.mini.op{background:#0f9d58}',
    '.stack{display:flex;flex-direction:column;max-width:80%;min-width:0}',
    '.row.in .stack{align-items:flex-end}',
    '.author{font-size:11.5px;color:#6b7886;margin:0 4px 3px;font-weight:600}',
    '.bubble{padding:9px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}',
    '.row.out .bubble{background:#fff;border:1px solid #e3e8ef;border-bottom-left-radius:5px;box-shadow:0 1px 2px rgba(16,24,40,.04)}',
    '.row.in .bubble{background:var(--c);color:#fff;border-bottom-right-radius:5px}',
    '.row.system .bubble{background:transparent;color:#6b7886;font-size:12.5px;padding:2px 8px;text-align:center}',
    '.row.failed .bubble{background:#fdecea;color:#8c1d18;border:1px solid #f5c2bd}',
    '.bubble a{color:inherit;text-decoration:underline;text-underline-offset:2px}',
    '.row.out .bubble a{color:var(--c)}',
    '.meta{display:flex;align-items:center;gap:4px;font-size:11px;color:#8593a1;margin:3px 4px 0}',
    '.meta .read{color:var(--c)}',
    '.seen{font-size:11.5px;font-weight:600;color:var(--c);margin:2px 4px 0}',
    '.err{font-size:12px;color:#b3261e;margin:3px 4px 0;max-width:260px;text-align:right}',
    '.files{display:flex;flex-direction:column;gap:6px;margin-top:6px}',
    '.bubble .files:first-child{margin-top:0}',
    '.thumb{display:block;max-width:220px;max-height:220px;border-radius:10px;background:#e9edf3;object-fit:cover}',
    '.chip{display:inline-flex;align-items:center;gap:8px;max-width:240px;padding:7px 10px;border-radius:10px;border:1px solid rgba(0,0,0,.1);background:rgba(255,255,255,.9);color:#1c2733;font-size:13px;text-decoration:none;text-align:left}',
    '.chip span.name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    '.chip small{color:#6b7886;white-space:nowrap}',
    // Quick replies and typing
    '.qr{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0 4px 36px}',
    '.qr[hidden]{display:none}',
    '.qr button{border:1.5px solid var(--c);background:#fff;color:var(--c);border-radius:18px;padding:6px 14px;font-size:13.5px;font-weight:600;transition:background .15s,color .15s}',
    '.qr button:hover{background:var(--c);color:#fff}',
    '.typing{display:flex;align-items:center;gap:8px;margin:10px 0 2px 36px;font-size:12.5px;color:#6b7886}',
    '.typing[hidden]{display:none}',
    '.dots{display:inline-flex;gap:3px;padding:9px 11px;background:#fff;border:1px solid #e3e8ef;border-radius:14px}',
    '.dots i{width:6px;height:6px;border-radius:50%;background:#9aa6b2;animation:blink 1.2s infinite}',
    '.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}',
    '@keyframes blink{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-2px)}}',
    // Composer
    '.composer{border-top:1px solid #e6ebf1;background:#fff;padding:10px 12px 8px}',
    '.notice{font-size:12.5px;color:#b3261e;margin:0 4px 6px}',
    '.notice:empty{display:none}',
    '.pending-file{display:flex;align-items:center;gap:8px;margin:0 0 8px;padding:6px 8px 6px 10px;border-radius:10px;background:var(--c-soft);font-size:13px}',
    '.pending-file[hidden]{display:none}',
    '.pending-file .name{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    '.pending-file button{border:0;background:transparent;width:26px;height:26px;border-radius:50%;display:flex;align-items:center;justify-content:center;color:#51606f}',
    '.pending-file button:hover{background:rgba(0,0,0,.06)}',
    '.inputrow{display:flex;align-items:flex-end;gap:6px}',
    '.attach{flex:none;width:40px;height:40px;border:0;border-radius:50%;background:transparent;color:#5f6d7b;display:flex;align-items:center;justify-content:center}',
    '.attach:hover{background:#eef1f5;color:var(--c)}',
    'textarea{flex:1;min-width:0;resize:none;border:1.5px solid #d5dce4;border-radius:20px;padding:9px 14px;font:inherit;font-size:14.5px;line-height:1.4;min-height:40px;max-height:128px;color:#1c2733;background:#fff}',
    'textarea:focus{outline:none;border-color:var(--c);box-shadow:0 0 0 3px var(--c-ring)}',
    'textarea::placeholder{color:#8f9baa}',
    '.send{flex:none;height:40px;padding:0 16px;border:0;border-radius:20px;background:var(--c);color:#fff;font-weight:700;display:flex;align-items:center;gap:6px}',
    '.send:disabled{background:#c3ccd6;cursor:default}',
    '.foot{display:flex;justify-content:space-between;gap:8px;font-size:11px;color:#8f9baa;margin:6px 6px 0}',
    '.count.warn{color:#b3261e}',
    // Pre-chat form
    '.prechat{display:flex;flex-direction:column;gap:10px;border-top:1px solid #e6ebf1;background:#fff;padding:12px 16px;max-height:60%;overflow-y:auto}',
    '.prechat[hidden],.pf[hidden]{display:none}',
    '.prechat .intro{margin:0;font-size:13px;color:#51606f}',
    '.pf{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:600;color:#33414f}',
    '.pf input{font:inherit;font-weight:400;font-size:14.5px;border:1.5px solid #d5dce4;border-radius:10px;padding:8px 12px;color:#1c2733}',
    '.pf input:focus{outline:none;border-color:var(--c);box-shadow:0 0 0 3px var(--c-ring)}',
    '.pf input[aria-invalid=true]{border-color:#b3261e}',
    '.consent{display:flex;gap:8px;align-items:flex-start;font-size:12.5px;line-height:1.45;color:#33414f}',
    '.consent input{margin-top:3px;flex:none;width:16px;height:16px}',
    '.start{align-self:flex-end;height:40px;padding:0 18px;border:0;border-radius:20px;background:var(--c);color:#fff;font-weight:700}',
    '.start:disabled{background:#c3ccd6;cursor:default}',
    // Narrow screens: the panel takes the whole screen.
    '@media (max-width:520px){.root{right:14px;bottom:14px}',
    '.panel{position:fixed;inset:0;width:100%;height:100%;height:100dvh;border-radius:0;animation:none}',
    '.root.open .launcher{display:none}',
    'textarea{font-size:16px}}',
    '@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}',
  ].join('');

  // ---------------------------------------------------------------------------------------
  // DOM
  // ---------------------------------------------------------------------------------------

  var host = h('div', { id: 'cong1022-widget', 'data-cong1022': '' });
  var shadow = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = CSS;
  shadow.appendChild(style);

  var root = h('div', { class: 'root' });
  // Shades computed here rather than with CSS color-mix(), which older mobile browsers lack.
  (function (hex) {
    var x = hex.length === 4 ? hex.replace(/#(.)(.)(.)/, '#$1$1$2$2$3$3') : hex;
    var rgb = [1, 3, 5].map(function (i) {
      return parseInt(x.slice(i, i + 2), 16);
    });
    var mix = function (t, w) {
      return (
        'rgb(' +
        rgb
          .map(function (c) {
            return Math.round(c * (1 - w) + t * w);
          })
          .join(',') +
        ')'
      );
    };
    root.style.setProperty('--c', x);
    root.style.setProperty('--c-dark', mix(0, 0.22));
    root.style.setProperty('--c-soft', mix(255, 0.91));
    root.style.setProperty('--c-ring', 'rgba(' + rgb.join(',') + ',.35)');
  })(COLOR);
  shadow.appendChild(root);

  var badge = h('span', { class: 'badge', hidden: true, 'aria-hidden': 'true' });
  var launcherIcon = icon('chat');
  var launcher = h(
    'button',
    { class: 'launcher', type: 'button', 'aria-label': T.open, 'aria-expanded': 'false', 'aria-controls': 'c1022-panel' },
    [launcherIcon, badge],
  );

  var statusDot = h('span', { class: 'dot off', 'aria-hidden': 'true' });
  var closeBtn = h('button', { class: 'close', type: 'button', 'aria-label': T.close }, [icon('close')]);
  var header = h('div', { class: 'header' }, [
    h('div', { class: 'avatar', 'aria-hidden': 'true', text: '1022' }),
    h('div', { class: 'htext' }, [
      h('h2', { class: 'title', id: 'c1022-title', text: T.heading }),
      h('p', { class: 'subtitle' }, [statusDot, h('span', { text: T.subtitle })]),
    ]),
    closeBtn,
  ]);

  var operatorText = h('span');
  var operatorBanner = h('div', { class: 'banner operator', hidden: true, role: 'status' }, [icon('agent'), operatorText]);
  var connText = h('span', { text: T.connecting });
  var connBanner = h('div', { class: 'banner conn', hidden: true, role: 'status' }, [
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    connText,
  ]);

  var welcome = h('div', { class: 'welcome' }, [h('strong', { text: T.welcomeTitle }), h('p', { text: T.welcomeText })]);
  var list = h('ol', { class: 'list', role: 'log', 'aria-label': 'Nội dung trò chuyện', 'aria-live': 'off' });
  var quickReplies = h('div', { class: 'qr', hidden: true, role: 'group', 'aria-label': 'Gợi ý trả lời' });
  var typingText = h('span');
  var typing = h('div', { class: 'typing', hidden: true }, [
    h('span', { class: 'dots', 'aria-hidden': 'true' }, [h('i'), h('i'), h('i')]),
    typingText,
  ]);
  var scroll = h('div', { class: 'scroll' }, [welcome, list, quickReplies, typing]);
  /** Screen readers hear new incoming messages here, once each (the list itself is not live: status ticks change). */
  var announcer = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });

  var notice = h('p', { class: 'notice', role: 'alert' });
  var fileName = h('span', { class: 'name' });
  var pendingFileBox = h('div', { class: 'pending-file', hidden: true }, [
    icon('file'),
    fileName,
    h('button', { type: 'button', 'aria-label': T.removeFile, onclick: clearFile }, [icon('close')]),
  ]);
  var fileInput = h('input', { type: 'file', accept: FILE_TYPES.join(','), class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true' });
  var attachBtn = h('button', { class: 'attach', type: 'button', 'aria-label': T.attach, title: T.attach }, [icon('clip')]);
  var textarea = h('textarea', {
    rows: '1',
    placeholder: T.placeholder,
    'aria-label': T.placeholder,
    maxlength: String(MAX_TEXT),
    enterkeyhint: 'send',
  });
  var sendBtn = h('button', { class: 'send', type: 'submit', disabled: true }, [icon('send'), h('span', { text: T.send })]);
  var counter = h('span', { class: 'count', 'aria-live': 'polite' });
  var form = h('form', { class: 'composer', novalidate: true }, [
    notice,
    pendingFileBox,
    h('div', { class: 'inputrow' }, [attachBtn, fileInput, textarea, sendBtn]),
    h('div', { class: 'foot' }, [h('span', { text: T.privacy }), counter]),
  ]);

  // The pre-chat form (when the gateway asks for it): shown instead of the composer until it is filled.
  var preName = h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: '100' });
  var prePhone = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', inputmode: 'tel', maxlength: '20' });
  var preConsent = h('input', { type: 'checkbox', name: 'consent' });
  var preNameLabel = h('span');
  var prePhoneLabel = h('span');
  var preConsentText = h('span');
  var preNameField = h('label', { class: 'pf' }, [preNameLabel, preName]);
  var prePhoneField = h('label', { class: 'pf' }, [prePhoneLabel, prePhone]);
  var preError = h('p', { class: 'notice', role: 'alert' });
  var preSubmit = h('button', { class: 'start', type: 'submit' }, [h('span', { text: T.prechatStart })]);
  var prechatForm = h('form', { class: 'prechat', novalidate: true, hidden: true, 'aria-label': T.prechatStart }, [
    h('p', { class: 'intro', text: T.prechatIntro }),
    preNameField,
    prePhoneField,
    h('label', { class: 'consent' }, [preConsent, preConsentText]),
    preError,
    preSubmit,
  ]);

  var panel = h('div', { class: 'panel', id: 'c1022-panel', role: 'dialog', 'aria-labelledby': 'c1022-title', hidden: true }, [
    header,
    operatorBanner,
    connBanner,
    scroll,
    prechatForm,
    form,
    announcer,
  ]);
  root.appendChild(panel);
  root.appendChild(launcher);

  function mount() {
    document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);

  // ---------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------

  var state = {
    open: false,
    everConnected: false,
    connected: false,
    visitorId: localStore.get('visitor'),
    unread: 0,
    file: null, // { name, mimeType, size, dataBase64, previewUrl }
    typingTimer: 0,
    lastTypingSent: 0,
    /** The pre-chat form to fill before writing (`prechat` event), or null. */
    prechat: null,
    /** Key of the citizen's message operators have read up to (`seen` event): "Đã xem" goes under it. */
    seenKey: null,
  };
  /** Messages by key: `c:<clientId>` for the citizen's, `m:<id>` for everything else. */
  var messages = new Map();
  /** Row elements by key. */
  var rows = new Map();
  /** Object URLs of fetched stored attachments, by attachment id. */
  var fileUrls = new Map();
  var socket = null;

  function clientIdOf(externalMessageId) {
    var s = String(externalMessageId || '');
    var i = s.lastIndexOf(':');
    return i >= 0 ? s.slice(i + 1) : s;
  }

  function keyOf(msg) {
    if (msg.author === 'citizen') return 'c:' + (msg.clientId || clientIdOf(msg.externalMessageId || msg.id));
    return 'm:' + msg.id;
  }

  // ---------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------

  function statusView(status) {
    if (status === 'pending') return { icon: 'clock', text: T.pending };
    if (status === 'failed') return { icon: 'alert', text: T.failed };
    if (status === 'read' || status === 'seen') return { icon: 'checks', text: T.read, cls: 'read' };
    if (status === 'delivered') return { icon: 'checks', text: T.delivered };
    return { icon: 'check', text: T.sent };
  }

  function renderAttachment(a, mine) {
    var isImage = a.kind === 'image' || /^image\//.test(a.mimeType || '');
    var label = a.name || (isImage ? 'Ảnh' : 'Tệp đính kèm');
    var sizeText = typeof a.size === 'number' ? formatBytes(a.size) : '';
    var url = a.localUrl || (a.url && safeHttpUrl(a.url)) || (a.attachmentId && fileUrls.get(a.attachmentId)) || null;
    if (isImage && (url || a.attachmentId)) {
      var img = h('img', { class: 'thumb', alt: label, loading: 'lazy' });
      if (url) img.src = url;
      else
        fetchStored(a.attachmentId).then(function (u) {
          if (u) img.src = u;
        });
      return img;
    }
    var children = [icon('file'), h('span', { class: 'name', text: label }), sizeText ? h('small', { text: sizeText }) : null];
    if (url)
      return h(
        'a',
        { class: 'chip', href: url, target: '_blank', rel: 'noopener noreferrer', download: a.localUrl ? label : null },
        children,
      );
    if (a.attachmentId) {
      return h(
        'button',
        {
          class: 'chip',
          type: 'button',
          onclick: function () {
            fetchStored(a.attachmentId).then(function (u) {
              if (!u) return showNotice(T.fileOpen);
              var link = h('a', { href: u, download: label, target: '_blank', rel: 'noopener' });
              shadow.appendChild(link);
              link.click();
              link.remove();
            });
          },
        },
        children,
      );
    }
    return h('span', { class: 'chip' + (mine ? ' mine' : '') }, children);
  }

  function buildRow(msg) {
    var kind = msg.author === 'citizen' ? 'in' : msg.author === 'system' ? 'system' : 'out';
    var li = h('li', { class: 'row ' + kind + (msg.status === 'failed' ? ' failed' : ''), 'data-key': keyOf(msg) });
    var bubble = h('div', { class: 'bubble' });
    if (msg.attachments && msg.attachments.length) {
      bubble.appendChild(
        h(
          'div',
          { class: 'files' },
          msg.attachments.map(function (a) {
            return renderAttachment(a, kind === 'in');
          }),
        ),
      );
    }
    if (msg.text) {
      var textNode = h('div', { class: 'text' });
      if (kind === 'out') appendLinkified(textNode, msg.text);
      else textNode.textContent = msg.text;
      bubble.appendChild(textNode);
    }
    if (kind === 'system') {
      li.appendChild(bubble);
      return li;
    }
    var stack = h('div', { class: 'stack' });
    if (kind === 'out') {
      var isOp = msg.author === 'operator';
      li.appendChild(
        h('span', { class: 'mini' + (isOp ? ' op' : ''), 'aria-hidden': 'true', text: isOp ? initials(msg.authorName) : '1022' }),
      );
      stack.appendChild(h('span', { class: 'author', text: isOp ? msg.authorName || T.operatorDefault : T.bot }));
    } else {
      stack.appendChild(h('span', { class: 'sr-only', text: T.you + ':' }));
    }
    stack.appendChild(bubble);
    var meta = h('div', { class: 'meta' }, [h('time', { text: formatTime(msg.createdAt) })]);
    if (kind === 'in') {
      var sv = statusView(msg.status);
      meta.appendChild(h('span', { class: 'icon ' + (sv.cls || ''), title: sv.text }, [icon(sv.icon)]));
      meta.appendChild(h('span', { class: 'sr-only', text: sv.text }));
    }
    stack.appendChild(meta);
    if (kind === 'in' && state.seenKey === keyOf(msg)) stack.appendChild(h('div', { class: 'seen', text: T.read }));
    if (msg.status === 'failed' && msg.error) stack.appendChild(h('div', { class: 'err', text: msg.error }));
    li.appendChild(stack);
    return li;
  }

  function initials(name) {
    var parts = String(name || '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    // Vietnamese names end with the given name: "Nguyễn Thị Lan" → "L".
    return parts.length ? parts[parts.length - 1].charAt(0).toUpperCase() : 'TĐV';
  }

  function nearBottom() {
    return scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < 80;
  }
  function scrollToBottom() {
    scroll.scrollTop = scroll.scrollHeight;
  }

  /** Inserts or replaces one message, keeping the list ordered by time. */
  function upsert(msg, opts) {
    var key = keyOf(msg);
    var prev = messages.get(key);
    if (prev) {
      // A local object URL is nicer than re-fetching the file we just sent.
      if (prev.attachments && msg.attachments) {
        msg.attachments = msg.attachments.map(function (a, i) {
          var p = prev.attachments[i];
          return p && p.localUrl ? Object.assign({}, a, { localUrl: p.localUrl }) : a;
        });
      }
      if (prev.status === 'read' && msg.status !== 'failed') msg.status = 'read';
    }
    var wasBottom = nearBottom();
    messages.set(key, msg);
    var row = buildRow(msg);
    var old = rows.get(key);
    rows.set(key, row);
    if (old && old.parentNode) {
      if (prev && prev.createdAt === msg.createdAt) {
        list.replaceChild(row, old);
      } else {
        old.remove();
        insertSorted(row, msg);
      }
    } else {
      insertSorted(row, msg);
    }
    welcome.hidden = messages.size > 0;
    renderQuickReplies();
    if (!prev && !(opts && opts.quiet)) {
      if (msg.author !== 'citizen') onIncoming(msg);
      if (msg.author !== 'citizen' && wasBottom && row.offsetHeight > scroll.clientHeight * 0.6) {
        // A long answer (a procedure) is read from its start, not from its last line.
        scroll.scrollTop = Math.max(0, row.offsetTop - 12);
      } else if (msg.author === 'citizen' || wasBottom) scrollToBottom();
    } else if (wasBottom) {
      scrollToBottom();
    }
  }

  function insertSorted(row, msg) {
    var next = null;
    rows.forEach(function (el, key) {
      var m = messages.get(key);
      if (el === row || !el.parentNode || !m) return;
      if (m.createdAt > msg.createdAt && (!next || m.createdAt < messages.get(next.getAttribute('data-key') || '').createdAt)) {
        next = el;
      }
    });
    list.insertBefore(row, next);
  }

  function sortedMessages() {
    return Array.from(messages.values()).sort(function (a, b) {
      return a.createdAt - b.createdAt;
    });
  }

  function renderQuickReplies() {
    var all = sortedMessages();
    var last = all[all.length - 1];
    quickReplies.textContent = '';
    var items = last && last.author !== 'citizen' && last.quickReplies ? last.quickReplies : [];
    items.slice(0, 10).forEach(function (q) {
      quickReplies.appendChild(
        h('button', {
          type: 'button',
          text: q.title,
          onclick: function () {
            sendQuickReply(q);
          },
        }),
      );
    });
    quickReplies.hidden = items.length === 0;
  }

  function onIncoming(msg) {
    setTyping(false);
    announcer.textContent = (msg.author === 'operator' ? msg.authorName || T.operatorDefault : T.bot) + ': ' + (msg.text || '');
    if (!state.open) {
      state.unread += 1;
      renderBadge();
    }
  }

  function renderBadge() {
    badge.hidden = state.unread === 0;
    badge.textContent = state.unread > 9 ? '9+' : String(state.unread);
    launcher.setAttribute('aria-label', state.unread ? T.open + ' (' + T.newMessages(state.unread) + ')' : T.open);
  }

  function renderConnection() {
    var connected = state.connected;
    statusDot.className = 'dot' + (connected ? '' : ' off');
    connBanner.hidden = connected || !socket;
    connText.textContent = state.everConnected ? T.reconnecting : T.connecting;
  }

  function setTyping(on, authorName) {
    clearTimeout(state.typingTimer);
    typing.hidden = !on;
    if (on) {
      typingText.textContent = T.typing(authorName);
      // A lost "typing off" must not leave the dots forever.
      state.typingTimer = setTimeout(function () {
        typing.hidden = true;
      }, 30000);
      if (nearBottom()) scrollToBottom();
    }
  }

  function showNotice(text) {
    notice.textContent = text || '';
  }

  function showOperator(name) {
    operatorBanner.hidden = !name;
    operatorText.textContent = name ? T.operator(name) : '';
  }

  /** Takes the gateway's limits (session event) over the built-in defaults. */
  function applyLimits(l) {
    if (!l) return;
    if (Number(l.maxTextLength) > 0) {
      MAX_TEXT = Number(l.maxTextLength);
      textarea.setAttribute('maxlength', String(MAX_TEXT));
    }
    if (Number(l.maxFileBytes) > 0) MAX_FILE_BYTES = Number(l.maxFileBytes);
    if (Array.isArray(l.fileTypes) && l.fileTypes.length) {
      FILE_TYPES = l.fileTypes.map(String);
      fileInput.setAttribute('accept', FILE_TYPES.join(','));
    }
    renderComposer();
  }

  // ---------------------------------------------------------------------------------------
  // Outbox: unacknowledged frames, kept in localStorage so a reload or a lost connection
  // loses nothing; resent with the same clientId, which the gateway deduplicates.
  // ---------------------------------------------------------------------------------------

  /** Items too large for localStorage stay in memory for this page only. */
  var memoryOutbox = [];

  function outboxRead() {
    var stored;
    try {
      stored = JSON.parse(localStore.get('outbox') || '[]');
      if (!Array.isArray(stored)) stored = [];
    } catch (e) {
      stored = [];
    }
    var ids = new Set(
      stored.map(function (i) {
        return i.frame.clientId;
      }),
    );
    return stored
      .concat(
        memoryOutbox.filter(function (i) {
          return !ids.has(i.frame.clientId);
        }),
      )
      .sort(function (a, b) {
        return a.createdAt - b.createdAt;
      });
  }
  function outboxAdd(item) {
    var stored = outboxRead().filter(function (i) {
      return memoryOutbox.indexOf(i) < 0;
    });
    stored.push(item);
    if (!localStore.set('outbox', JSON.stringify(stored))) memoryOutbox.push(item);
  }
  function outboxRemove(clientId) {
    memoryOutbox = memoryOutbox.filter(function (i) {
      return i.frame.clientId !== clientId;
    });
    var stored = outboxRead().filter(function (i) {
      return i.frame.clientId !== clientId && memoryOutbox.indexOf(i) < 0;
    });
    localStore.set('outbox', stored.length ? JSON.stringify(stored) : null);
  }

  var flushing = false;
  var generation = 0;
  var retryTimer = 0;

  function emitWithAck(item) {
    var timeout = item.frame.attachments && item.frame.attachments.length ? 60000 : 15000;
    return new Promise(function (resolve) {
      socket.timeout(timeout).emit(item.event, item.frame, function (err, ack) {
        resolve(err || !ack ? null : ack);
      });
    });
  }

  /** Sends the outbox in order, one frame at a time, while connected. */
  function flush() {
    if (flushing || !socket || !socket.connected || state.prechat) return;
    flushing = true;
    var gen = generation;
    (function step() {
      var item = outboxRead()[0];
      if (!item || gen !== generation || !socket.connected) {
        if (gen === generation) flushing = false;
        return;
      }
      emitWithAck(item).then(function (ack) {
        var key = 'c:' + item.frame.clientId;
        var msg = messages.get(key);
        if (ack && ack.ok) {
          outboxRemove(item.frame.clientId);
          // externalMessageId lets later `status` pushes (read by an operator) find this message.
          if (msg && msg.status === 'pending')
            upsert(Object.assign({}, msg, { status: 'sent', externalMessageId: ack.messageId }), { quiet: true });
        } else if (ack && ack.code === 'prechat_required') {
          // The form was switched on meanwhile: keep the message, and reconnect to be sent the form.
          flushing = false;
          if (!state.prechat) {
            socket.disconnect();
            socket.connect();
          }
          return;
        } else if (ack && !ack.retryable) {
          outboxRemove(item.frame.clientId);
          if (msg) upsert(Object.assign({}, msg, { status: 'failed', error: ack.error }));
        } else {
          // Timeout, disconnect or a busy gateway: keep it and try again shortly.
          if (gen === generation) flushing = false;
          clearTimeout(retryTimer);
          retryTimer = setTimeout(flush, 5000);
          return;
        }
        if (gen !== generation) return;
        step();
      });
    })();
  }

  function queue(event, frame, localMsg) {
    var item = {
      event: event,
      frame: frame,
      createdAt: localMsg.createdAt,
      text: localMsg.text,
      files: localMsg.attachments.map(stripLocal),
    };
    outboxAdd(item);
    upsert(localMsg);
    if (!socket) connect();
    else flush();
  }

  function stripLocal(a) {
    return { kind: a.kind, name: a.name, mimeType: a.mimeType, size: a.size };
  }

  /** Shows frames still waiting in the outbox (from before a reload) as pending messages. */
  function restoreOutbox() {
    outboxRead().forEach(function (item) {
      var key = 'c:' + item.frame.clientId;
      if (messages.has(key)) return;
      upsert(
        {
          clientId: item.frame.clientId,
          id: key,
          direction: 'in',
          author: 'citizen',
          text: item.text || '',
          attachments: item.files || [],
          quickReplies: [],
          status: 'pending',
          createdAt: item.createdAt,
        },
        { quiet: true },
      );
    });
  }

  // ---------------------------------------------------------------------------------------
  // Sending
  // ---------------------------------------------------------------------------------------

  function sendMessage() {
    var text = textarea.value.replace(/^\s+|\s+$/g, '');
    var file = state.file;
    if (!text && !file) return;
    if (text.length > MAX_TEXT) return showNotice(T.tooLong());
    showNotice('');
    var clientId = newClientId();
    var frame = { clientId: clientId, text: text };
    var attachments = [];
    if (file) {
      frame.attachments = [{ name: file.name, mimeType: file.mimeType, dataBase64: file.dataBase64 }];
      attachments.push({
        kind: /^image\//.test(file.mimeType) ? 'image' : 'file',
        name: file.name,
        mimeType: file.mimeType,
        size: file.size,
        localUrl: file.previewUrl,
      });
    }
    textarea.value = '';
    state.file = null;
    renderComposer();
    sendTypingOff();
    queue('message', frame, {
      clientId: clientId,
      id: 'c:' + clientId,
      direction: 'in',
      author: 'citizen',
      text: text,
      attachments: attachments,
      quickReplies: [],
      status: 'pending',
      createdAt: Date.now(),
    });
    textarea.focus();
  }

  function sendQuickReply(q) {
    var clientId = newClientId();
    queue(
      'quick_reply',
      { clientId: clientId, payload: q.payload, title: q.title },
      {
        clientId: clientId,
        id: 'c:' + clientId,
        direction: 'in',
        author: 'citizen',
        text: q.title,
        attachments: [],
        quickReplies: [],
        status: 'pending',
        createdAt: Date.now(),
      },
    );
    textarea.focus();
  }

  // ---------------------------------------------------------------------------------------
  // Pre-chat form
  // ---------------------------------------------------------------------------------------

  function renderPrechat() {
    var f = state.prechat;
    prechatForm.hidden = !f;
    form.hidden = !!f;
    if (!f) return;
    preNameField.hidden = f.name === 'off';
    prePhoneField.hidden = f.phone === 'off';
    preNameLabel.textContent = T.prechatName + (f.name === 'required' ? ' *' : T.prechatOptional);
    prePhoneLabel.textContent = T.prechatPhone + (f.phone === 'required' ? ' *' : T.prechatOptional);
    preName.required = f.name === 'required';
    prePhone.required = f.phone === 'required';
    preConsentText.textContent = f.consentText;
  }

  function firstPrechatInput() {
    return !preNameField.hidden ? preName : !prePhoneField.hidden ? prePhone : preConsent;
  }

  function prechatError(text, input) {
    preError.textContent = text || '';
    [preName, prePhone, preConsent].forEach(function (el) {
      el.setAttribute('aria-invalid', String(el === input));
    });
    if (input) input.focus();
  }

  function submitPrechat() {
    var f = state.prechat;
    if (!f) return;
    var frame = { consent: preConsent.checked, consentVersion: f.consentVersion };
    if (f.name !== 'off') frame.name = preName.value.trim();
    if (f.phone !== 'off') frame.phone = prePhone.value.trim();
    if (!socket || !socket.connected) return prechatError(T.unavailable);
    prechatError('');
    preSubmit.disabled = true;
    // The server is the one validator (required fields, phone format, the consent and its version): its message names what to fix.
    socket.timeout(15000).emit('prechat', frame, function (err, ack) {
      preSubmit.disabled = false;
      if (err || !ack) return prechatError(T.unavailable);
      if (!ack.ok) {
        var input = { name: preName, phone: prePhone, consent: preConsent }[ack.field] || null;
        return prechatError(ack.error, input);
      }
      state.prechat = null;
      renderPrechat();
      renderComposer();
      textarea.focus();
      flush();
    });
  }

  prechatForm.addEventListener('submit', function (e) {
    e.preventDefault();
    submitPrechat();
  });

  function sendTypingOff() {
    if (state.lastTypingSent && socket && socket.connected) socket.emit('typing', { on: false });
    state.lastTypingSent = 0;
  }

  // ---------------------------------------------------------------------------------------
  // Composer
  // ---------------------------------------------------------------------------------------

  function renderComposer() {
    var len = textarea.value.length;
    sendBtn.disabled = !textarea.value.trim() && !state.file;
    counter.textContent = len > MAX_TEXT - 500 ? len + '/' + MAX_TEXT : '';
    counter.className = 'count' + (len > MAX_TEXT ? ' warn' : '');
    pendingFileBox.hidden = !state.file;
    fileName.textContent = state.file ? state.file.name + ' · ' + formatBytes(state.file.size) : '';
    // Auto-grow; a hidden panel has no layout to measure. Growing shrinks the message area: stay at the bottom.
    if (panel.hidden) return;
    var wasBottom = nearBottom();
    textarea.style.height = 'auto';
    textarea.style.height = Math.min(textarea.scrollHeight + 3, 128) + 'px';
    if (wasBottom) scrollToBottom();
  }

  function mimeOf(file) {
    if (file.type) return file.type.toLowerCase();
    var ext = (file.name.split('.').pop() || '').toLowerCase();
    return (
      { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' }[ext] || ''
    );
  }

  function pickFile(file) {
    showNotice('');
    var mimeType = mimeOf(file);
    if (FILE_TYPES.indexOf(mimeType) < 0) return showNotice(T.fileType);
    if (file.size > MAX_FILE_BYTES) return showNotice(T.fileSize(MAX_FILE_BYTES));
    if (file.size === 0) return showNotice(T.fileEmpty);
    var reader = new FileReader();
    reader.onload = function () {
      var dataUrl = String(reader.result || '');
      var comma = dataUrl.indexOf(',');
      state.file = {
        name: file.name,
        mimeType: mimeType,
        size: file.size,
        dataBase64: comma >= 0 ? dataUrl.slice(comma + 1) : '',
        previewUrl: /^image\//.test(mimeType) ? URL.createObjectURL(file) : null,
      };
      renderComposer();
      textarea.focus();
    };
    reader.onerror = function () {
      showNotice(T.fileRead);
    };
    reader.readAsDataURL(file);
  }

  function clearFile() {
    state.file = null;
    renderComposer();
    textarea.focus();
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    sendMessage();
  });
  textarea.addEventListener('keydown', function (e) {
    // isComposing: Vietnamese IMEs (Telex, VNI) use Enter to commit a word, not to send.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      sendMessage();
    }
  });
  textarea.addEventListener('input', function () {
    renderComposer();
    if (notice.textContent && textarea.value.length <= MAX_TEXT) showNotice('');
    var now = Date.now();
    if (socket && socket.connected && textarea.value && now - state.lastTypingSent > 3000) {
      socket.emit('typing', { on: true });
      state.lastTypingSent = now;
    }
  });
  attachBtn.addEventListener('click', function () {
    fileInput.click();
  });
  fileInput.addEventListener('change', function () {
    if (fileInput.files && fileInput.files[0]) pickFile(fileInput.files[0]);
    fileInput.value = '';
  });

  // ---------------------------------------------------------------------------------------
  // Open / close
  // ---------------------------------------------------------------------------------------

  function setOpen(open, opts) {
    state.open = open;
    panel.hidden = !open;
    root.classList.toggle('open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.replaceChild(icon(open ? 'down' : 'chat'), launcher.firstChild);
    tabStore.set('open', open ? '1' : '0');
    if (open) {
      state.unread = 0;
      renderBadge();
      renderComposer();
      if (!socket) connect();
      scrollToBottom();
      if (!(opts && opts.noFocus)) (state.prechat ? firstPrechatInput() : textarea).focus();
    } else if (!(opts && opts.noFocus)) {
      launcher.focus();
    }
  }

  launcher.addEventListener('click', function () {
    setOpen(!state.open);
  });
  closeBtn.addEventListener('click', function () {
    setOpen(false);
  });
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
    }
  });

  // ---------------------------------------------------------------------------------------
  // Connection
  // ---------------------------------------------------------------------------------------

  var ioPromise = null;

  /** Loads the socket.io client the gateway serves, without clobbering a host page's own `io` or AMD loader. */
  function loadSocketIo() {
    if (ioPromise) return ioPromise;
    ioPromise = new Promise(function (resolve, reject) {
      var hadIo = Object.prototype.hasOwnProperty.call(window, 'io');
      var prevIo = window.io;
      var prevDefine = window.define;
      if (prevDefine && prevDefine.amd) window.define = undefined;
      var s = document.createElement('script');
      s.src = new URL('socket.io/socket.io.min.js', BASE).href;
      s.async = true;
      s.onload = function () {
        var ours = window.io;
        if (hadIo) window.io = prevIo;
        else delete window.io;
        if (prevDefine) window.define = prevDefine;
        if (typeof ours === 'function') resolve(ours);
        else reject(new Error('socket.io client missing'));
      };
      s.onerror = function () {
        if (prevDefine) window.define = prevDefine;
        ioPromise = null;
        reject(new Error('socket.io client failed to load'));
      };
      (document.head || document.documentElement).appendChild(s);
    });
    return ioPromise;
  }

  function connect() {
    if (socket) return;
    socket = { connected: false, pending: true };
    renderConnection();
    loadSocketIo().then(
      function (io) {
        socket = io(BASE.origin + '/livechat', {
          path: BASE.pathname + 'socket.io',
          // WebSocket only: the connection stays on one gateway node, so several nodes behind a
          // round-robin proxy need no sticky sessions (HTTP long-polling would hop between nodes).
          transports: ['websocket'],
          // Read at every (re)connection, so a token issued on the first one is used afterwards.
          auth: function (cb) {
            cb({ token: localStore.get('token'), identity: IDENTITY });
          },
          reconnectionDelayMax: 5000,
        });
        bindSocket(socket);
      },
      function () {
        socket = null;
        showNotice(T.unavailable);
        setTimeout(connect, 10000);
      },
    );
  }

  function bindSocket(s) {
    s.on('connect', function () {
      state.connected = true;
      state.everConnected = true;
      renderConnection();
      if (notice.textContent === T.unavailable) showNotice('');
      flush();
    });
    s.on('disconnect', function (reason) {
      state.connected = false;
      generation += 1;
      flushing = false;
      setTyping(false);
      renderConnection();
      // socket.io does not reconnect by itself after a server-side disconnect (restart, deploy).
      if (reason === 'io server disconnect') {
        setTimeout(function () {
          s.connect();
        }, 2000);
      }
    });
    s.on('session', function (ev) {
      if (ev.token) localStore.set('token', ev.token);
      applyLimits(ev.limits);
      if (state.visitorId && ev.visitorId !== state.visitorId) {
        // A different visitor (expired session, signed-in user): drop the old conversation from view.
        messages.forEach(function (m, key) {
          if (m.status !== 'pending') {
            messages.delete(key);
            var row = rows.get(key);
            if (row) row.remove();
            rows.delete(key);
          }
        });
      }
      state.visitorId = ev.visitorId;
      localStore.set('visitor', ev.visitorId);
    });
    s.on('auth_error', function (ev) {
      if (window.console) window.console.warn('[Cổng 1022] ' + (ev && ev.message));
    });
    s.on('history', function (ev) {
      var list = ev && Array.isArray(ev.messages) ? ev.messages : [];
      list.forEach(function (m) {
        var key = keyOf(m);
        var local = messages.get(key);
        if (local && local.status === 'pending') return; // the outbox will settle it
        upsert(m, { quiet: true });
      });
      // Who answers now, as far as the history tells: an operator until the bot or a notice (release, close) speaks again.
      var lastReply = null;
      list.forEach(function (m) {
        if (m && m.author !== 'citizen') lastReply = m;
      });
      showOperator(lastReply && lastReply.author === 'operator' ? lastReply.authorName || T.operatorDefault : null);
      scrollToBottom();
    });
    s.on('message', function (m) {
      if (!m || typeof m !== 'object') return;
      var local = messages.get(keyOf(m));
      if (local && local.status === 'pending') return;
      upsert(m);
    });
    s.on('typing', function (ev) {
      setTyping(!!(ev && ev.on), ev && ev.authorName);
    });
    s.on('status', function (ev) {
      if (!ev) return;
      messages.forEach(function (m) {
        if (m.id === ev.messageId || m.externalMessageId === ev.messageId) {
          upsert(Object.assign({}, m, { status: ev.status }), { quiet: true });
        }
      });
    });
    s.on('operator', function (ev) {
      showOperator(ev && ev.name);
    });
    s.on('prechat', function (ev) {
      var was = state.prechat;
      state.prechat = (ev && ev.form) || null;
      renderPrechat();
      if (was && !state.prechat) {
        renderComposer();
        flush();
      }
    });
    s.on('seen', function (ev) {
      if (!ev || !ev.messageId) return;
      var old = state.seenKey;
      state.seenKey = 'c:' + clientIdOf(ev.messageId);
      [old, state.seenKey].forEach(function (key) {
        var m = key && messages.get(key);
        if (m) upsert(m, { quiet: true });
      });
    });
  }

  /** Fetches a stored attachment of this conversation as an object URL. */
  function fetchStored(attachmentId) {
    if (fileUrls.has(attachmentId)) return Promise.resolve(fileUrls.get(attachmentId));
    if (!socket || !socket.connected) return Promise.resolve(null);
    return new Promise(function (resolve) {
      socket.timeout(30000).emit('attachment', { attachmentId: attachmentId }, function (err, res) {
        if (err || !res || !res.ok) return resolve(null);
        try {
          var bin = atob(res.dataBase64);
          var bytes = new Uint8Array(bin.length);
          for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
          var url = URL.createObjectURL(new Blob([bytes], { type: res.mimeType }));
          fileUrls.set(attachmentId, url);
          resolve(url);
        } catch (e) {
          resolve(null);
        }
      });
    });
  }

  window.addEventListener('online', function () {
    if (socket && socket.connect && !socket.connected) socket.connect();
  });
  setInterval(function () {
    if (socket && socket.connected && outboxRead().length) flush();
  }, 10000);

  // ---------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------

  restoreOutbox();
  renderComposer();
  renderBadge();
  // Returning visitors and unsent messages connect at once (replies may be waiting); a first-time
  // visitor connects on first open, so host pages do not hold a socket for every page view.
  if (tabStore.get('open') === '1') setOpen(true, { noFocus: true });
  else if (localStore.get('token') || IDENTITY || outboxRead().length) connect();

  /** A small API for host pages: `Cong1022.open()`, `Cong1022.close()`. */
  window.Cong1022 = {
    open: function () {
      setOpen(true);
    },
    close: function () {
      setOpen(false);
    },
    toggle: function () {
      setOpen(!state.open);
    },
  };
})();
