import { useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import type { CustomerSummary } from '@shared/schemas/customer-list.schema';
import type { HandoverOverviewOutput } from '@shared/schemas/handover-customers.schema';
import { handoverInputSchema } from '@shared/schemas/handover-customers.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { formatDateTime } from '../../lib/format';
import { zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import './index.scss';

type Reason = 'leaving' | 'reassignment';

// A store manager hands all (or some) customers of one associate to another (离职继承 / 在职转接): the
// customers keep their history, tags and notes, and see their new associate on their card.
// The last hand-overs can be undone for 24 hours. A leaving associate can be deactivated here:
// their access ends with their next request.
export default function HandoverPage() {
  const [overview, setOverview] = useState<HandoverOverviewOutput | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState<Reason>('leaving');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Some customers instead of all: the first page of the leaving associate's customers.
  const [theirs, setTheirs] = useState<CustomerSummary[]>([]);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  const load = (): void => {
    api
      .handoverOverview()
      .then(setOverview)
      .catch((e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  const run = async (work: () => Promise<string>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await work());
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const chooseFrom = (id: string): void => {
    setFrom(id);
    setPicked(new Set());
    setTheirs([]);
    api
      .customers({ scope: 'store', sort: 'spend', limit: 100, ownerId: id })
      .then((page) => setTheirs(page.items))
      .catch((e: unknown) => setError(errorMessage(e)));
  };

  const togglePick = (id: string): void =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const submit = (): void => {
    const parsed = handoverInputSchema.safeParse({
      fromStaffId: from ?? '',
      toStaffId: to ?? '',
      reason,
      memberIds: picked.size > 0 ? [...picked] : undefined,
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    void run(async () => {
      const r = await api.handOver(parsed.data);
      setPicked(new Set());
      if (from) chooseFrom(from);
      return `已交接 ${r.moved} 位顾客`;
    });
  };

  const nameOf = (id: string | null): string => overview?.associates.find((a) => a.id === id)?.name ?? '';
  const associates = overview?.associates ?? [];

  return (
    <View className='page handover-page'>
      <Notice id='handover-error' text={error} />
      <Notice id='handover-done' tone='ok' text={done} />

      <View className='card'>
        <Text className='card__title'>1. 交出顾客的导购</Text>
        {associates.map((a) => (
          <View key={a.id} className='handover-row'>
            <Text
              id={`from-${a.id}`}
              className={`chip handover-from${from === a.id ? ' chip--on' : ''}`}
              onClick={() => chooseFrom(a.id)}
            >
              {a.name}
              {a.active ? '' : '（已停用）'} · {a.customerCount} 位
            </Text>
            {a.active && a.role === 'associate' ? (
              <Text id={`deactivate-${a.id}`} className='chip handover-deactivate' onClick={() => void run(async () => {
                const r = await api.deactivateStaff(a.id);
                return r.deactivated ? `已停用 ${a.name}，其账号立即失效` : `${a.name} 已是停用状态`;
              })}
              >
                停用
              </Text>
            ) : null}
          </View>
        ))}
        <FieldError id='handover-from-error' message={errors.fromStaffId} />
        {from && theirs.length > 0 ? (
          <View id='handover-pick' className='handover-pick'>
            <Text className='muted'>不选 = 交接全部；也可只选部分顾客：</Text>
            {theirs.map((c) => (
              <Text
                key={c.id}
                id={`pick-${c.id}`}
                className={`chip handover-pick__item${picked.has(c.id) ? ' chip--on' : ''}`}
                onClick={() => togglePick(c.id)}
              >
                {c.name ?? c.memberNo}
              </Text>
            ))}
          </View>
        ) : null}
      </View>

      <View className='card'>
        <Text className='card__title'>2. 接收顾客的导购</Text>
        {associates
          .filter((a) => a.active && a.id !== from)
          .map((a) => (
            <Text key={a.id} id={`to-${a.id}`} className={`chip handover-to${to === a.id ? ' chip--on' : ''}`} onClick={() => setTo(a.id)}>
              {a.name}
            </Text>
          ))}
        <FieldError id='handover-to-error' message={errors.toStaffId} />
      </View>

      <View className='card'>
        <Text className='card__title'>3. 原因</Text>
        {(['leaving', 'reassignment'] as const).map((r) => (
          <Text key={r} id={`reason-${r}`} className={`chip${reason === r ? ' chip--on' : ''}`} onClick={() => setReason(r)}>
            {r === 'leaving' ? '离职继承' : '在职转接'}
          </Text>
        ))}
      </View>

      <Button id='handover-submit' className='btn btn--primary' loading={busy} disabled={busy} onClick={submit}>
        {from && to
          ? `把 ${nameOf(from)} 的${picked.size > 0 ? ` ${picked.size} 位` : '全部'}顾客交给 ${nameOf(to)}`
          : '交接顾客'}
      </Button>

      <View id='handover-batches' className='card'>
        <Text className='card__title'>最近交接（24 小时内可撤销）</Text>
        {(overview?.batches ?? []).length === 0 ? <Text className='muted'>暂无</Text> : null}
        {(overview?.batches ?? []).map((b) => (
          <View key={b.id} id={`batch-${b.id}`} className='handover-batch'>
            <Text>
              {b.from.name} → {b.to.name} · {b.memberCount} 位 · {b.reason === 'leaving' ? '离职继承' : '在职转接'}
            </Text>
            <Text className='muted'>
              {formatDateTime(b.createdAt)}
              {b.undoneAt ? ' · 已撤销' : ''}
            </Text>
            {b.canUndo ? (
              <Text id={`undo-${b.id}`} className='chip handover-undo' onClick={() => void run(async () => {
                const r = await api.undoHandover(b.id);
                return `已撤销，${r.restored} 位顾客回到 ${b.from.name}`;
              })}
              >
                撤销
              </Text>
            ) : null}
          </View>
        ))}
      </View>
    </View>
  );
}
