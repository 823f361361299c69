/** "Thử trợ lý ảo": what the bot understands from a sentence (intent, confidence, ranking) and what it answers. */
import { useState, type FormEvent } from 'react';
import { ChannelIcon, Icon } from '../../components/icons';
import { RichText } from '../../components/timeline';
import { Button, Card, Chip, Empty, PageHeader, useAction } from '../../components/ui';
import { api } from '../../lib/api';
import { CHANNEL_LABELS, label } from '@wire/labels';
import type { BotTry } from '../../lib/types';

const EXAMPLES = [
  'Làm giấy khai sinh cho con cần giấy tờ gì?',
  'đổi bằng lái xe hết hạn ở đâu',
  'Đường trước nhà tôi bị ngập nặng',
  'cho tôi gặp tổng đài viên',
  'tra cứu phiếu 1022-2026-000123',
];

const tone = (c: number) => (c >= 0.8 ? 'green' : c >= 0.5 ? 'amber' : 'red');

export default function TryBotPage() {
  const [text, setText] = useState('');
  const [channel, setChannel] = useState('zalo');
  const [busy, act] = useAction();
  const [result, setResult] = useState<(BotTry & { asked: string }) | null>(null);
  const run = async (e?: FormEvent, t = text) => {
    e?.preventDefault();
    if (!t.trim()) return;
    await act(async () => {
      const r = await api.post<BotTry>('/api/bot/try', { text: t.trim(), channel });
      setResult({ ...r, asked: t.trim() });
    });
  };
  const ranking = result?.parse.intent_ranking?.length ? result.parse.intent_ranking : result ? [result.parse.intent] : [];
  return (
    <div className="page">
      <PageHeader
        title="Thử trợ lý ảo"
        subtitle="Gõ một câu như người dân hỏi để xem trợ lý ảo hiểu thế nào và trả lời gì. Không gửi tin cho ai."
      />
      <form className="card add-row try-form" onSubmit={run}>
        <select value={channel} onChange={(e) => setChannel(e.target.value)} aria-label="Kênh">
          {['zalo', 'facebook', 'email', 'livechat', 'edongthap'].map((c) => (
            <option key={c} value={c}>
              {label(CHANNEL_LABELS, c)}
            </option>
          ))}
        </select>
        <input value={text} onChange={(e) => setText(e.target.value)} placeholder="Nhập câu hỏi…" aria-label="Câu hỏi thử" autoFocus />
        <Button type="submit" variant="primary" busy={busy} disabled={!text.trim()} icon={<Icon.send size={15} />}>
          Thử
        </Button>
      </form>
      <div className="suggest-row">
        <span className="muted small">Ví dụ:</span>
        {EXAMPLES.map((x) => (
          <button key={x} type="button" className="suggest-chip" onClick={() => (setText(x), void run(undefined, x))}>
            {x}
          </button>
        ))}
      </div>
      {!result ? (
        <Card>
          <Empty icon={<Icon.bot size={28} />} title="Chưa thử câu nào">
            Kết quả gồm ý định, độ tin cậy, các ý định gần đúng và câu trả lời trợ lý ảo sẽ gửi.
          </Empty>
        </Card>
      ) : (
        <div className="two-col even">
          <Card title="Trợ lý ảo hiểu">
            <div className="try-intent">
              <span className="mono big">{result.decision?.intent ?? result.parse.intent.name}</span>
              <Chip tone={tone(result.decision?.confidence ?? result.parse.intent.confidence)}>
                {Math.round((result.decision?.confidence ?? result.parse.intent.confidence) * 100)}% tin cậy
              </Chip>
            </div>
            <div className="cc-section-title">Xếp hạng ý định</div>
            <ul className="ranking">
              {ranking.slice(0, 6).map((r) => (
                <li key={r.name}>
                  <span className="mono small ranking-name">{r.name}</span>
                  <span className="bar-track">
                    <span className={`bar-fill conf-${tone(r.confidence)}`} style={{ width: `${Math.max(1, r.confidence * 100)}%` }} />
                  </span>
                  <span className="num small">{(r.confidence * 100).toFixed(1)}%</span>
                </li>
              ))}
            </ul>
            {result.parse.entities && result.parse.entities.length > 0 && (
              <>
                <div className="cc-section-title">Thực thể</div>
                <div className="chips-row">
                  {result.parse.entities.map((en, i) => (
                    <Chip key={i} tone="violet">
                      {en.entity}: {String(en.value)}
                    </Chip>
                  ))}
                </div>
              </>
            )}
            {result.decision?.actions?.length > 0 && (
              <>
                <div className="cc-section-title">Hành động</div>
                <div className="chips-row">
                  {result.decision.actions.map((a, i) => (
                    <Chip key={i} tone="blue">
                      {String(a.type)}
                    </Chip>
                  ))}
                </div>
              </>
            )}
          </Card>
          <Card title={<>Câu trả lời trên {label(CHANNEL_LABELS, channel)}</>}>
            <div className="try-chat">
              <div className="msg msg-in">
                <div className="msg-head">
                  <ChannelIcon channel={channel} size={14} /> <span className="msg-author">Người dân</span>
                </div>
                <div className="msg-bubble">
                  <div className="msg-text">{result.asked}</div>
                </div>
              </div>
              {result.answer ? (
                <div className="msg msg-bot">
                  <div className="msg-head">
                    <Icon.bot size={13} /> <span className="msg-author">Trợ lý ảo</span>
                  </div>
                  <div className="msg-bubble">
                    <div className="msg-text">
                      <RichText text={result.answer.text} />
                    </div>
                    {result.answer.quickReplies?.length > 0 && (
                      <div className="msg-qr">
                        {result.answer.quickReplies.map((q, i) => (
                          <span key={i} className="qr-pill">
                            {q.title}
                          </span>
                        ))}
                      </div>
                    )}
                  </div>
                </div>
              ) : (
                <div className="alert alert-info">
                  <Icon.info size={15} /> Trợ lý ảo không trả lời câu này — hội thoại được chuyển cho tổng đài viên.
                </div>
              )}
            </div>
          </Card>
        </div>
      )}
    </div>
  );
}
