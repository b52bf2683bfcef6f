import { useEffect, useRef, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import {
  segmentCreateInputSchema,
  segmentUpdateInputSchema,
  type Segment,
  type SegmentOptionsOutput,
} from '@shared/schemas/segment-admin.schema';
import { segmentExportInputSchema } from '@shared/schemas/segment-export.schema';
import type { SegmentMember } from '@shared/schemas/segment-members.schema';
import { segmentRuleSetSchema, type SegmentRuleSet } from '@shared/schemas/segment-rules.schema';
import { Notice } from '../../components/notice';
import { FieldError } from '../../components/field-error';
import { api } from '../../services/api';
import { errorMessage, isApiError } from '../../services/api-client';
import { zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import { formatDate, formatDateTime, formatFen } from '../../lib/format';
import { churnLabel, rfmClassLabel } from '../../lib/rfm-labels';
import { ConsoleNav } from '../components/console-nav';
import { CampaignForm } from './campaign-form';
import { checkDraft, emptyDraft, fieldOfRule, rulesToDraft, type Draft } from './draft';
import { RuleBuilder } from './rule-builder';
import { canSaveFiles, saveTextFile } from './save-file';
import './index.scss';

// How long the rules must stay still before the live count asks the server (typing "1200" in
// the spend field counts once, not four times).
const COUNT_DEBOUNCE_MS = 400;
const MEMBERS_PAGE = 20;
// Brand days are Asia/Shanghai (no daylight saving): today's date there, for the campaign form.
const shanghaiToday = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

type LiveCount = { state: 'idle' } | { state: 'counting' } | { state: 'done'; count: number; countedAt: string } | { state: 'invalid' } | { state: 'failed'; message: string };
type MemberList = { segment: Segment; items: SegmentMember[]; nextCursor: string | null; loading: boolean };
type ExportPanel = { segment: Segment; fullPhones: boolean; purpose: string; busy: boolean; progress: number };

// The error of an API field path ('name', 'rules.spendMaxFen', 'rules.tagIds') under the form
// field it belongs to.
const apiErrorsToForm = (e: unknown): FieldErrors => {
  const out: FieldErrors = {};
  if (!isApiError(e)) return out;
  for (const f of e.fields) {
    const [head, key] = f.path.split('.');
    const field = head === 'rules' && key ? fieldOfRule(key) : (head ?? 'form');
    out[field] ??= f.message;
  }
  return out;
};

// The operators' segments: saved rule sets (tags, RFM class, churn state, stores, spend, last
// purchase, birthday month, consent, region, tier) with a live count while the rules change;
// save, edit, delete; the members of a saved segment (paged, phones masked); CSV export
// (audited; phones masked unless an admin states a purpose); and a campaign to the segment.
export default function SegmentsPage() {
  const [options, setOptions] = useState<SegmentOptionsOutput | null>(null);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [isAdmin, setIsAdmin] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const [editing, setEditing] = useState<Segment | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [live, setLive] = useState<LiveCount>({ state: 'idle' });
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);

  const [members, setMembers] = useState<MemberList | null>(null);
  const [exporting, setExporting] = useState<ExportPanel | null>(null);
  const [campaignFor, setCampaignFor] = useState<Segment | null>(null);

  const countSeq = useRef(0);

  const loadSegments = (): Promise<void> =>
    api
      .segments()
      .then((r) => setSegments(r.segments))
      .catch((e: unknown) => setError(errorMessage(e)));

  useEffect(() => {
    api
      .segmentOptions()
      .then(setOptions)
      .catch((e: unknown) => setError(errorMessage(e)));
    void loadSegments();
    api
      .me()
      .then((me) => setIsAdmin(me.staff?.role === 'admin'))
      .catch(() => setIsAdmin(false));
  }, []);

  // The live count: the rules as they are after a pause in typing; a later change discards an
  // answer still on its way.
  useEffect(() => {
    const seq = ++countSeq.current;
    const checked = checkDraft(draft);
    setErrors((prev) => {
      // Rule errors follow the draft; name and form errors stay until the next save.
      const kept: FieldErrors = {};
      if (prev.name) kept.name = prev.name;
      if (prev.description) kept.description = prev.description;
      return { ...kept, ...(checked.errors ?? {}) };
    });
    if (!checked.rules) {
      setLive({ state: 'invalid' });
      return;
    }
    const rules = checked.rules;
    setLive({ state: 'counting' });
    const timer = setTimeout(() => {
      api
        .segmentCount({ rules })
        .then((r) => {
          if (seq === countSeq.current) setLive({ state: 'done', count: r.count, countedAt: r.countedAt });
        })
        .catch((e: unknown) => {
          if (seq !== countSeq.current) return;
          setErrors((prev) => ({ ...prev, ...apiErrorsToForm(e) }));
          setLive({ state: 'failed', message: errorMessage(e) });
        });
    }, COUNT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft]);

  const startNew = (): void => {
    setEditing(null);
    setName('');
    setDescription('');
    setDraft(emptyDraft());
    setErrors({});
    setNotice(null);
  };

  const startEdit = (s: Segment): void => {
    const parsed = segmentRuleSetSchema.safeParse(s.rules);
    setEditing(s);
    setName(s.name);
    setDescription(s.description ?? '');
    setDraft(parsed.success ? rulesToDraft(parsed.data) : emptyDraft());
    setNotice(null);
    setError(parsed.success ? null : `“${s.name}”保存的规则已无法读取，请重新设置后保存`);
  };

  const save = async (): Promise<void> => {
    setError(null);
    setNotice(null);
    const checked = checkDraft(draft);
    if (!checked.rules) {
      setErrors(checked.errors);
      return;
    }
    const rules: SegmentRuleSet = checked.rules;
    const text = description.trim();
    const update = editing ? segmentUpdateInputSchema.safeParse({ id: editing.id, name, description: text === '' ? null : text, rules }) : null;
    const create = editing ? null : segmentCreateInputSchema.safeParse({ name, ...(text === '' ? {} : { description: text }), rules });
    const failed = update && !update.success ? update.error : create && !create.success ? create.error : null;
    if (failed) {
      setErrors(zodFieldErrors(failed));
      return;
    }
    setSaving(true);
    try {
      const saved = update?.success ? await api.updateSegment(update.data) : create?.success ? await api.createSegment(create.data) : null;
      if (!saved) return;
      setErrors({});
      setEditing(saved);
      await loadSegments();
      setNotice(`已保存“${saved.name}”：${saved.lastCount ?? 0} 人`);
      if (members?.segment.id === saved.id) void openMembers(saved);
    } catch (e) {
      setErrors(apiErrorsToForm(e));
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (s: Segment): Promise<void> => {
    setError(null);
    setNotice(null);
    setConfirmDelete(null);
    try {
      await api.deleteSegment(s.id);
      if (editing?.id === s.id) startNew();
      if (members?.segment.id === s.id) setMembers(null);
      if (exporting?.segment.id === s.id) setExporting(null);
      if (campaignFor?.id === s.id) setCampaignFor(null);
      // The notice once the list shows the change.
      await loadSegments();
      setNotice(`已删除“${s.name}”`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const openMembers = async (s: Segment, cursor?: string): Promise<void> => {
    setError(null);
    setMembers((m) => (cursor && m ? { ...m, loading: true } : { segment: s, items: [], nextCursor: null, loading: true }));
    try {
      const page = await api.segmentMembers({ segmentId: s.id, limit: MEMBERS_PAGE, ...(cursor ? { cursor } : {}) });
      setMembers((m) => ({ segment: s, items: cursor && m ? [...m.items, ...page.items] : page.items, nextCursor: page.nextCursor, loading: false }));
    } catch (e) {
      setError(errorMessage(e));
      setMembers((m) => (m ? { ...m, loading: false } : null));
    }
  };

  // The export in parts (each one read and audited by the server), joined into one file.
  const runExport = async (panel: ExportPanel): Promise<void> => {
    setError(null);
    setNotice(null);
    const parsed = segmentExportInputSchema.safeParse({
      segmentId: panel.segment.id,
      fullPhones: panel.fullPhones,
      ...(panel.fullPhones ? { purpose: panel.purpose } : {}),
    });
    if (!parsed.success) {
      setErrors((prev) => ({ ...prev, ...zodFieldErrors(parsed.error) }));
      return;
    }
    setErrors((prev) => ({ ...prev, purpose: '' }));
    setExporting({ ...panel, busy: true, progress: 0 });
    try {
      let cursor: string | undefined;
      let csv = '';
      let rows = 0;
      let filename = `${panel.segment.name}.csv`;
      for (let part = 0; part < 1000; part++) {
        const r = await api.segmentExport({ ...parsed.data, ...(cursor ? { cursor } : {}) });
        csv += r.csv;
        rows += r.rows;
        filename = r.filename;
        setExporting({ ...panel, busy: true, progress: rows });
        if (!r.nextCursor) break;
        cursor = r.nextCursor;
      }
      saveTextFile(filename, csv);
      setNotice(`已导出 ${rows} 位会员到 ${filename}（${panel.fullPhones ? '完整手机号，已记录用途' : '手机号已打码'}，已记入审计日志）`);
      setExporting({ ...panel, busy: false, progress: rows });
    } catch (e) {
      setErrors((prev) => ({ ...prev, ...apiErrorsToForm(e) }));
      setError(errorMessage(e));
      setExporting({ ...panel, busy: false, progress: 0 });
    }
  };

  const ruleError = errors.tagIds ?? errors.storeIds ?? errors.rfmClasses ?? errors.churnStates ?? errors.consents ?? errors.birthdayMonth ?? errors.rules ?? errors.form;

  return (
    <View className='page segments-page'>
      <ConsoleNav current='segments' />
      <Notice id='seg-error' text={error} />
      <Notice id='seg-notice' tone='ok' text={notice} />

      <View id='seg-list' className='card'>
        <Text className='card__title'>已保存的人群</Text>
        {segments.length === 0 ? (
          <Text id='seg-list-empty' className='muted'>
            还没有保存的人群
          </Text>
        ) : null}
        {segments.map((s) => (
          <View key={s.id} id={`seg-item-${s.id}`} className={`seg-item${editing?.id === s.id ? ' seg-item--on' : ''}`}>
            <View className='seg-item__head'>
              <Text className='seg-item__name'>{s.name}</Text>
              <Text id={`seg-item-count-${s.id}`} className='seg-item__count'>
                {s.lastCount ?? '—'} 人
              </Text>
            </View>
            {s.description ? <Text className='muted seg-item__line'>{s.description}</Text> : null}
            <Text className='muted seg-item__line'>
              {s.lastCountedAt ? `${formatDateTime(s.lastCountedAt)} 计数` : ''}
              {s.createdBy ? ` · ${s.createdBy} 创建` : ''}
              {s.campaigns.length > 0 ? ` · 用于活动：${s.campaigns.map((c) => c.name).join('、')}` : ''}
            </Text>
            <View className='seg-item__actions'>
              <Text id={`seg-edit-${s.id}`} className='chip' onClick={() => startEdit(s)}>
                编辑
              </Text>
              <Text id={`seg-members-${s.id}`} className='chip' onClick={() => void openMembers(s)}>
                会员名单
              </Text>
              {canSaveFiles ? (
                <Text id={`seg-export-${s.id}`} className='chip' onClick={() => setExporting({ segment: s, fullPhones: false, purpose: '', busy: false, progress: 0 })}>
                  导出 CSV
                </Text>
              ) : null}
              <Text id={`seg-use-${s.id}`} className='chip' onClick={() => setCampaignFor(s)}>
                用于活动
              </Text>
              {confirmDelete === s.id ? (
                <Text id={`seg-delete-confirm-${s.id}`} className='chip seg-chip--danger' onClick={() => void remove(s)}>
                  确认删除
                </Text>
              ) : (
                <Text id={`seg-delete-${s.id}`} className='chip' onClick={() => setConfirmDelete(s.id)}>
                  删除
                </Text>
              )}
            </View>
          </View>
        ))}
        <Button id='seg-new' className='btn btn--plain' onClick={startNew}>
          新建人群
        </Button>
      </View>

      <View id='seg-editor' className='card'>
        <Text id='seg-editor-title' className='card__title'>
          {editing ? `编辑：${editing.name}` : '新建人群'}
        </Text>
        <View className='seg-rule'>
          <Text className='seg-rule__label'>名称</Text>
          <Input id='seg-name' className='seg-input seg-input--wide' maxlength={60} value={name} placeholder='如 上海重要价值客户' onInput={(e) => setName(e.detail.value)} />
          <FieldError id='seg-name-error' message={errors.name} />
        </View>
        <View className='seg-rule'>
          <Text className='seg-rule__label'>说明（可选）</Text>
          <Input id='seg-description' className='seg-input seg-input--wide' maxlength={200} value={description} onInput={(e) => setDescription(e.detail.value)} />
          <FieldError id='seg-description-error' message={errors.description} />
        </View>
        <View id='seg-live' className='seg-live'>
          <Text className='seg-live__label'>符合条件</Text>
          {live.state === 'done' ? (
            <Text>
              <Text id='seg-count' className='seg-live__count'>
                {live.count}
              </Text>
              {options ? <Text className='muted'> / {options.totalMembers} 位会员</Text> : null}
            </Text>
          ) : null}
          {live.state === 'counting' || live.state === 'idle' ? (
            <Text id='seg-counting' className='muted'>
              计算中…
            </Text>
          ) : null}
          {live.state === 'invalid' ? (
            <Text id='seg-count-invalid' className='muted'>
              请先修正规则
            </Text>
          ) : null}
          {live.state === 'failed' ? (
            <Text id='seg-count-failed' className='field-error'>
              {live.message}
            </Text>
          ) : null}
        </View>
        <Notice id='seg-rules-error' text={ruleError} />
        <Button id='seg-save' className='btn btn--primary' disabled={saving} onClick={() => void save()}>
          {editing ? '保存修改' : '保存人群'}
        </Button>
      </View>

      {options ? <RuleBuilder options={options} draft={draft} errors={errors} onChange={setDraft} /> : null}
      {options && !options.rfmComputedAt ? <Text className='muted'>还没有消费数据，RFM 分类暂不可用。</Text> : null}

      {members ? (
        <View id='seg-member-list' className='card'>
          <Text className='card__title'>
            {members.segment.name} 的会员（手机号已打码）
          </Text>
          {members.items.length === 0 && !members.loading ? (
            <Text id='seg-member-empty' className='muted'>
              没有会员
            </Text>
          ) : null}
          {members.items.map((m) => (
            <View key={m.id} id={`seg-row-${m.memberNo}`} className='seg-member'>
              <View className='seg-member__head'>
                <Text>
                  {m.name ?? '（未填姓名）'} · {m.memberNo}
                </Text>
                <Text className='seg-member__phone'>{m.phoneMasked ?? '无手机号'}</Text>
              </View>
              <Text className='muted'>
                {m.storeName ?? '无门店'} · {m.tier ?? '无等级'} · {rfmClassLabel(m.rfmClass)} · {churnLabel(m.churnState)} · 累计 {formatFen(m.lifetimeSpendFen)} /{' '}
                {m.orderCount} 单{m.lastPurchaseAt ? ` · 最近 ${formatDate(m.lastPurchaseAt)}` : ''}
              </Text>
            </View>
          ))}
          <Text id='seg-member-shown' className='muted'>
            已显示 {members.items.length} 位
          </Text>
          {members.nextCursor ? (
            <Button id='seg-members-more' className='btn btn--plain' disabled={members.loading} onClick={() => void openMembers(members.segment, members.nextCursor ?? undefined)}>
              {members.loading ? '加载中…' : '加载更多'}
            </Button>
          ) : null}
        </View>
      ) : null}

      {exporting && canSaveFiles ? (
        <View id='seg-export-panel' className='card'>
          <Text className='card__title'>导出：{exporting.segment.name}</Text>
          <Text className='muted'>每次导出都会记入审计日志（操作人、人群、规则、行数）。手机号默认打码。</Text>
          {isAdmin ? (
            <View className='seg-rule'>
              <Text
                id='seg-export-full'
                className={`chip${exporting.fullPhones ? ' chip--on' : ''}`}
                onClick={() => setExporting({ ...exporting, fullPhones: !exporting.fullPhones })}
              >
                导出完整手机号（仅管理员，须写明用途）
              </Text>
              {exporting.fullPhones ? (
                <View>
                  <Input
                    id='seg-export-purpose'
                    className='seg-input seg-input--wide'
                    placeholder='用途，如 导入短信服务商'
                    value={exporting.purpose}
                    onInput={(e) => setExporting({ ...exporting, purpose: e.detail.value })}
                  />
                  <FieldError id='seg-export-purpose-error' message={errors.purpose} />
                </View>
              ) : null}
            </View>
          ) : null}
          <Button id='seg-export-go' className='btn btn--primary' disabled={exporting.busy} onClick={() => void runExport(exporting)}>
            {exporting.busy ? `导出中… ${exporting.progress} 行` : exporting.fullPhones ? '导出（完整手机号）' : '导出（手机号打码）'}
          </Button>
        </View>
      ) : null}

      {campaignFor ? <CampaignForm key={campaignFor.id} segmentId={campaignFor.id} segmentName={campaignFor.name} today={shanghaiToday()} onCreated={() => void loadSegments()} /> : null}
    </View>
  );
}
