import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import type { ConsentLedgerOutput } from '@shared/schemas/consent-decision.schema';
import {
  memberDeleteInputSchema,
  privacyRequestCreateInputSchema,
  type MemberDataOutput,
  type PrivacyRequestItem,
} from '@shared/schemas/privacy-request-actions.schema';
import { TOGGLEABLE_PURPOSES, type ToggleablePurpose } from '@shared/domain/consent-purposes';
import { FieldError } from '../../../components/field-error';
import { Notice } from '../../../components/notice';
import { api } from '../../../services/api';
import { errorMessage } from '../../../services/api-client';
import { logout } from '../../../services/auth';
import { isH5 } from '../../../services/platform';
import { clearToken } from '../../../services/session-store';
import { consentPurposeLabel, formatDate, formatDateTime } from '../../../lib/format';
import { apiFieldErrors, zodFieldErrors } from '../../../lib/form-errors';
import './index.scss';

const PURPOSE_HELP: Record<ToggleablePurpose, string> = {
  marketing: '生日祝福、节日问候和活动消息',
  personalization: '根据消费记录推荐商品；关闭后只看到非个性化内容',
  sensitive_data: '处理生日等敏感信息；撤回后生日立即删除',
};

const KIND_LABEL: Record<PrivacyRequestItem['kind'], string> = {
  access: '查看数据', export: '导出副本', correction: '更正', withdrawal: '撤回同意', deletion: '注销',
};
const STATUS_LABEL: Record<PrivacyRequestItem['status'], string> = { completed: '已完成', pending: '处理中', rejected: '已拒绝' };

// PIPL Art. 44–47 in one place: what I agreed to (one tap to withdraw), everything held about
// me (view and download a copy), corrections staff must make (answered within 15 working days),
// my requests and their outcome, and deleting my account.
export default function PrivacyPage() {
  const [ledger, setLedger] = useState<ConsentLedgerOutput | null>(null);
  const [data, setData] = useState<MemberDataOutput | null>(null);
  const [requests, setRequests] = useState<PrivacyRequestItem[]>([]);
  const [correction, setCorrection] = useState('');
  const [correctionError, setCorrectionError] = useState<string | undefined>(undefined);
  const [confirm, setConfirm] = useState('');
  const [confirmError, setConfirmError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refreshRequests = async (): Promise<void> => setRequests((await api.privacyRequests('mine')).items);

  useEffect(() => {
    api.memberConsents().then(setLedger).catch((e: unknown) => setError(errorMessage(e)));
    refreshRequests().catch((e: unknown) => setError(errorMessage(e)));
  }, []);

  const run = async (work: () => Promise<void>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (purpose: ToggleablePurpose, granted: boolean): void => {
    if (!ledger) return;
    void run(async () => {
      setLedger(await api.decideConsent({ purpose, granted, policyVersion: ledger.currentPolicyVersion }));
      await refreshRequests();
      setNotice(granted ? `已同意：${consentPurposeLabel(purpose)}` : `已撤回：${consentPurposeLabel(purpose)}，立即生效`);
    });
  };

  const view = (): void => void run(async () => {
    setData(await api.memberData('view'));
    await refreshRequests();
  });

  // A copy to keep: JSON (machine-readable) and the readable summary. In the browser it is
  // downloaded as a file; in WeChat (no file downloads from a mini-program page) the JSON is
  // copied to the clipboard and the summary shown.
  const download = (): void => void run(async () => {
    const copy = await api.memberData('export');
    setData(copy);
    const json = JSON.stringify({ exportedAt: copy.exportedAt, summary: copy.summary, data: copy.data }, null, 2);
    if (isH5) {
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `my-member-data-${copy.exportedAt.slice(0, 10)}.json`;
      a.click();
      URL.revokeObjectURL(url);
    } else {
      await Taro.setClipboardData({ data: json });
    }
    await refreshRequests();
    setNotice('数据副本已生成');
  });

  const askCorrection = (): void => {
    const parsed = privacyRequestCreateInputSchema.safeParse({ kind: 'correction', detail: correction });
    if (!parsed.success) {
      setCorrectionError(zodFieldErrors(parsed.error).detail);
      return;
    }
    setCorrectionError(undefined);
    void run(async () => {
      try {
        const created = await api.requestCorrection(parsed.data.detail);
        setCorrection('');
        await refreshRequests();
        setNotice(`已提交，我们会在 ${created.dueOn ?? ''} 前处理`);
      } catch (e) {
        setCorrectionError(apiFieldErrors(e).detail);
        throw e;
      }
    });
  };

  const deleteAccount = (): void => {
    const parsed = memberDeleteInputSchema.safeParse({ confirm: confirm.trim() });
    if (!parsed.success) {
      setConfirmError('请输入“注销”两个字确认');
      return;
    }
    setConfirmError(undefined);
    void run(async () => {
      await api.deleteMembership();
      clearToken();
      setNotice('账户已注销，你的个人信息已删除');
      setTimeout(logout, 1500);
    });
  };

  const current = (purpose: string): boolean => ledger?.current.find((c) => c.purpose === purpose)?.granted ?? false;

  return (
    <View className='page privacy-page'>
      <Notice id='privacy-error' text={error} />
      <Notice id='privacy-notice' tone='ok' text={notice} />

      <View id='privacy-consents' className='card'>
        <Text className='card__title'>我的授权</Text>
        {ledger
          ? TOGGLEABLE_PURPOSES.map((p) => (
              <View key={p} className='row'>
                <View>
                  <Text>{consentPurposeLabel(p)}</Text>
                  <Text className='muted'>{` ${PURPOSE_HELP[p]}`}</Text>
                </View>
                <Text
                  id={`consent-toggle-${p}`}
                  className={current(p) ? 'chip chip--on' : 'chip'}
                  onClick={() => toggle(p, !current(p))}
                >
                  {current(p) ? '已同意 · 点此撤回' : '未同意 · 点此同意'}
                </Text>
              </View>
            ))
          : null}
        <Text className='muted'>授权记录共 {ledger?.ledger.length ?? 0} 条，隐私政策版本 {ledger?.currentPolicyVersion ?? '…'}</Text>
      </View>

      <View className='card'>
        <Text className='card__title'>我的数据</Text>
        <Button id='data-view' className='btn btn--plain' disabled={busy} onClick={view}>
          查看我们保存的全部数据
        </Button>
        <Button id='data-export' className='btn btn--plain' disabled={busy} onClick={download}>
          下载数据副本（JSON + 摘要）
        </Button>
        {data ? (
          <Text id='data-summary' className='privacy-page__summary'>
            {data.summary}
          </Text>
        ) : null}
      </View>

      <View className='card'>
        <Text className='card__title'>申请更正</Text>
        <Text className='muted'>资料可在“编辑资料”中自行修改；订单等需要门店处理的，请在此说明，15 个工作日内答复。</Text>
        <Textarea
          id='correction-detail'
          className='field__input'
          value={correction}
          maxlength={500}
          placeholder='例如：订单 D000123 的金额不对'
          onInput={(e) => setCorrection(e.detail.value)}
        />
        <FieldError id='correction-detail-error' message={correctionError} />
        <Button id='correction-submit' className='btn btn--plain' disabled={busy} onClick={askCorrection}>
          提交更正申请
        </Button>
      </View>

      <View id='privacy-requests' className='card'>
        <Text className='card__title'>我的申请记录</Text>
        {requests.length === 0 ? <Text className='muted'>暂无</Text> : null}
        {requests.map((r) => (
          <View key={r.id} className='row privacy-request'>
            <Text>{KIND_LABEL[r.kind]}</Text>
            <Text className='muted'>
              {formatDateTime(r.requestedAt)} · {STATUS_LABEL[r.status]}
              {r.status === 'pending' && r.dueOn ? ` · ${formatDate(r.dueOn)} 前答复` : ''}
            </Text>
          </View>
        ))}
      </View>

      <View className='card'>
        <Text className='card__title'>注销账户</Text>
        <Text className='muted'>
          注销后立即删除你的姓名、手机号、生日、微信身份、授权记录和订阅；订单仅以匿名形式保留用于品牌财务核算。此操作不可撤销。
        </Text>
        <Input id='delete-confirm' className='field__input' value={confirm} placeholder='输入“注销”确认' onInput={(e) => setConfirm(e.detail.value)} />
        <FieldError id='delete-confirm-error' message={confirmError} />
        <Button id='delete-account' className='btn privacy-page__danger' disabled={busy} onClick={deleteAccount}>
          注销账户并删除我的数据
        </Button>
      </View>
    </View>
  );
}
