/** Live chat's pre-chat form in the settings page: on/off, the fields asked, the consent text (Nghị định 13/2023/NĐ-CP). */
import { Card, Field } from '../../components/ui';
import type { Settings } from '../../lib/types';

type Prechat = Settings['livechatPrechat'];
type FieldMode = Prechat['name'];

const MODES: { value: FieldMode; label: string }[] = [
  { value: 'off', label: 'Không hỏi' },
  { value: 'optional', label: 'Không bắt buộc' },
  { value: 'required', label: 'Bắt buộc' },
];

/** How one field of the form is asked. */
function ModeSelect({ value, onChange }: { value: FieldMode; onChange: (v: FieldMode) => void }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value as FieldMode)}>
      {MODES.map((m) => (
        <option key={m.value} value={m.value}>
          {m.label}
        </option>
      ))}
    </select>
  );
}

/** The pre-chat form card; changes go into the page's draft, saved with the other settings. */
export function PrechatCard({ value, onChange }: { value: Prechat; onChange: (v: Prechat) => void }) {
  const set = <K extends keyof Prechat>(k: K, v: Prechat[K]) => onChange({ ...value, [k]: v });
  return (
    <Card title="Trò chuyện trực tuyến: thông tin trước khi chat">
      <p className="muted small">
        Khi bật, người dân phải điền thông tin và đánh dấu đồng ý xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP) trước tin nhắn đầu tiên.
        Họ tên và số điện thoại được lưu vào hồ sơ người dân; thời điểm đồng ý và nội dung đã đồng ý được ghi lại.
      </p>
      <label className="check">
        <input type="checkbox" checked={value.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Bật biểu mẫu trước khi trò
        chuyện
      </label>
      <div className="form-grid two">
        <Field label="Họ và tên">
          <ModeSelect value={value.name} onChange={(v) => set('name', v)} />
        </Field>
        <Field label="Số điện thoại" hint="Di động 10 số hoặc máy bàn 11 số; dùng để tra cứu phiếu bằng 4 số cuối.">
          <ModeSelect value={value.phone} onChange={(v) => set('phone', v)} />
        </Field>
      </div>
      <Field
        label="Nội dung đồng ý xử lý dữ liệu cá nhân"
        hint="Người dân phải đánh dấu đồng ý nội dung này. Khi sửa, người dân mới sẽ đồng ý theo nội dung mới; các lần đồng ý trước vẫn giữ nội dung cũ."
      >
        <textarea rows={5} maxLength={4000} value={value.consentText} onChange={(e) => set('consentText', e.target.value)} />
      </Field>
    </Card>
  );
}
