import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import type { DataQualityReport } from '@shared/schemas/data-quality-report.schema';
import { QUALITY_CATEGORIES, QUALITY_CATEGORY_LABELS, QUALITY_CHECKS, STALE_DAYS, pointsLost } from '@shared/domain/data-quality';
import { Notice } from '../../components/notice';
import { formatDateTime } from '../../lib/format';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { Chart } from '../components/chart';
import { ConsoleNav } from '../components/console-nav';
import { drillUrl } from '../components/drill';
import { percent } from '../components/labels';
import './index.scss';

// The data quality report of the brand (operators and admins): the score and its history, and
// for each check how many members it flagged, what that costs the score, and the list of them.
export default function QualityPage() {
  const [report, setReport] = useState<DataQualityReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const load = (): void => {
    api
      .dataQuality()
      .then(setReport)
      .catch((e: unknown) => setError(errorMessage(e)));
  };
  useEffect(load, []);

  const runNow = async (): Promise<void> => {
    setRunning(true);
    setError(null);
    setNotice(null);
    try {
      await api.runDataQuality();
      setNotice('检查完成');
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };

  const run = report?.run ?? null;
  return (
    <View className='page quality-page'>
      <ConsoleNav current='quality' />
      <Notice id='dq-error' text={error} />
      <Notice id='dq-notice' tone='ok' text={notice} />

      <View id='dq-summary' className='card'>
        <Text className='card__title'>数据质量得分</Text>
        {report && !run ? <Text id='dq-none' className='muted'>还没有检查过。每天凌晨自动检查一次，也可以现在检查。</Text> : null}
        {run ? (
          <View className='dq-score'>
            <Text id='dq-score' className='dq-score__value'>
              {run.score ?? '–'}
            </Text>
            <Text className='muted'>
              满分 100 · 检查了 <Text id='dq-members'>{run.members}</Text> 位会员 · {formatDateTime(run.finishedAt)}（{run.trigger === 'cron' ? '每日自动' : '手动'}）
            </Text>
          </View>
        ) : null}
        <Button id='dq-run' className='btn btn--plain' disabled={running} onClick={() => void runNow()}>
          {running ? '检查中…' : '立即重新检查'}
        </Button>
        {report?.mergeCandidates ? (
          <Text id='dq-merges' className='link' onClick={() => void Taro.navigateTo({ url: report.mergeCandidates!.page })}>
            身份识别发现 {report.mergeCandidates.open} 组待处理的合并建议 →
          </Text>
        ) : null}
      </View>

      {report && report.history.length > 1 ? (
        <View id='dq-history' className='card'>
          <Text className='card__title'>得分变化（近 90 天）</Text>
          <Chart id='dq-history-chart' kind='line' categories={report.history.map((h) => h.day.slice(5))} series={[{ name: '得分', data: report.history.map((h) => h.score ?? 0) }]} />
        </View>
      ) : null}

      {run
        ? QUALITY_CATEGORIES.map((cat) => (
            <View key={cat} id={`dq-cat-${cat}`} className='card'>
              <Text className='card__title'>{QUALITY_CATEGORY_LABELS[cat]}</Text>
              {QUALITY_CHECKS.filter((c) => c.category === cat).map((c) => {
                const n = run.counts[c.key] ?? 0;
                const w = run.weights[c.key] ?? c.weight;
                return (
                  <View key={c.key} id={`dq-check-${c.key}`} className='dq-check'>
                    <View className='dq-check__main'>
                      <Text className='dq-check__label'>{c.label}</Text>
                      <Text className='muted'>{c.explain}</Text>
                    </View>
                    <Text
                      id={`dq-count-${c.key}`}
                      className={n > 0 ? 'dq-check__n link' : 'dq-check__n'}
                      onClick={() => {
                        if (n > 0) void Taro.navigateTo({ url: drillUrl({ kind: 'quality', issue: c.key }, `数据质量 · ${c.label}`) });
                      }}
                    >
                      {n}
                    </Text>
                    <Text className='muted dq-check__share'>{percent(n, run.members)}</Text>
                    <Text className='muted dq-check__points'>
                      −{pointsLost(run.members, n, w)} 分（权重 {w}）
                    </Text>
                  </View>
                );
              })}
            </View>
          ))
        : null}
      {run ? (
        <Text className='muted'>
          得分 = 100 − Σ 权重 × 问题会员占比。沉睡档案：入会、购买、联系、登录都在 {STALE_DAYS} 天以前。明细为最近一次检查的结果。
        </Text>
      ) : null}
    </View>
  );
}
