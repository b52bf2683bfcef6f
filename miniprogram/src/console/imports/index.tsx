import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { FIELDS, FIELD_LABELS, OUTCOME_LABELS, RULE_LABELS, type ColumnMapping, type ImportField, type ImportKind, type ImportOutcome } from '@shared/domain/import-columns';
import {
  MAX_CONSOLE_IMPORT_BYTES,
  importStartInputSchema,
  type ImportJob,
  type ImportPreview,
  type ImportReportRow,
} from '@shared/schemas/import-job.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { apiFieldErrors, zodFieldErrors, type FieldErrors } from '../../lib/form-errors';
import { pickFile, type PickedFile } from './pick-file';
import './index.scss';
import { ConsoleNav } from '../components/console-nav';

const OUTCOMES: ImportOutcome[] = ['accepted', 'fixed', 'merged', 'unchanged', 'conflict', 'rejected'];
const PAGE = 50;

// Imports in the console (small files, up to 3 MB; larger ones with `npm run import -- FILE`):
// choose a file, see what it is and the mapping of its columns (suggested, or remembered for the
// source; editable), try it (dry run: nothing stored) or import it, then the counts and the
// row-by-row report — accepted, fixed and how, merged into whom by which rule, rejected and why.
export default function ImportsPage() {
  const [kind, setKind] = useState<ImportKind>('customers');
  const [source, setSource] = useState('');
  const [file, setFile] = useState<PickedFile | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [dryRun, setDryRun] = useState(false);
  const [rows, setRows] = useState<ImportReportRow[]>([]);
  const [nextAfter, setNextAfter] = useState<number | null>(null);
  const [filter, setFilter] = useState<ImportOutcome | null>(null);
  const [jobs, setJobs] = useState<ImportJob[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});

  const loadJobs = (): void => {
    api
      .importJobs()
      .then((r) => setJobs(r.jobs))
      .catch((e: unknown) => setError(errorMessage(e)));
  };
  useEffect(loadJobs, []);

  const act = async (work: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      setNote(await work());
      setErrors({});
    } catch (e) {
      setErrors(apiFieldErrors(e));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const previewOf = async (f: PickedFile, k: ImportKind, s: string): Promise<string | null> => {
    const p = await api.importPreview({ kind: k, fileName: f.name, fileBase64: f.base64, source: s });
    setPreview(p);
    setMapping(p.mapping);
    setJob(null);
    setRows([]);
    return p.previousImport ? `这个文件在 ${p.previousImport.finishedAt.slice(0, 10)} 导入过：再导入一次不会改变任何数据` : null;
  };
  const runPreview = (f: PickedFile, k: ImportKind, s: string): void => void act(() => previewOf(f, k, s));

  const choose = (): void => {
    void act(async () => {
      const f = await pickFile('.csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      if (!f) return null;
      if (f.size > MAX_CONSOLE_IMPORT_BYTES) throw new Error('文件超过 3 MB：请用命令行导入（npm run import -- 文件）');
      const s = source.trim() || f.name.replace(/\.[^.]+$/, '').slice(0, 60);
      setSource(s);
      setFile(f);
      return previewOf(f, kind, s);
    });
  };

  const loadReport = async (jobId: string, outcome: ImportOutcome | null, after: number | null): Promise<void> => {
    const r = await api.importReport({ jobId, outcome: outcome ?? undefined, after: after ?? undefined, limit: PAGE });
    setRows((prev) => (after ? [...prev, ...r.rows] : r.rows));
    setNextAfter(r.nextAfter);
  };

  const start = (asDryRun: boolean): void => {
    if (!file || !preview) return;
    const parsed = importStartInputSchema.safeParse({ kind, fileName: file.name, fileBase64: file.base64, source, mapping, dryRun: asDryRun });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    void act(async () => {
      const staged = await api.importStart(parsed.data);
      setDryRun(asDryRun);
      setFilter(null);
      if (asDryRun) {
        setJob(staged.job);
        setRows(staged.dryRunRows ?? []);
        setNextAfter(null);
        return '试运行完成：以下是将会发生的结果，没有保存任何数据';
      }
      const done = await api.importRun(staged.job.id);
      setJob(done.job);
      await loadReport(done.job.id, null, null);
      loadJobs();
      return '导入完成';
    });
  };

  const showFilter = (o: ImportOutcome | null): void => {
    setFilter(o);
    if (job && !dryRun) void act(async () => (await loadReport(job.id, o, null), null));
  };

  const downloadCsv = (): void => {
    if (!job) return;
    void act(async () => {
      const r = await api.importReport({ jobId: job.id, format: 'csv' });
      if (r.csv && typeof document !== 'undefined') {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([r.csv.text], { type: 'text/csv;charset=utf-8' }));
        a.download = r.csv.fileName;
        a.click();
      }
      return null;
    });
  };

  const fields: readonly ImportField[] = FIELDS[kind];
  const shown = dryRun && filter ? rows.filter((r) => r.outcome === filter) : rows;

  return (
    <View className='page imports'>
      <ConsoleNav current='imports' />
      <Notice id='imports-error' text={error} />
      <Notice id='imports-note' tone='ok' text={note} />

      <View className='card'>
        <Text className='card__title'>选择文件</Text>
        <View>
          {(['customers', 'orders'] as const).map((k) => (
            <Text key={k} id={`import-kind-${k}`} className={`chip${kind === k ? ' chip--on' : ''}`} onClick={() => {
              setKind(k);
              if (file) runPreview(file, k, source);
            }}>
              {k === 'customers' ? '顾客' : '订单'}
            </Text>
          ))}
        </View>
        <View className='field'>
          <Text className='field__label'>来源（同一来源的列对应关系会被记住）</Text>
          <Input id='import-source' className='field__input' value={source} maxlength={60} placeholder='如：POS、天猫、表格' onInput={(e) => setSource(e.detail.value)}
            // Another source may have a remembered mapping: read the file again with it.
            onBlur={() => {
              if (file && preview && source.trim()) runPreview(file, kind, source.trim());
            }}
          />
          <FieldError id='import-source-error' message={errors.source} />
        </View>
        <Text className='muted'>CSV（UTF-8 或 GBK）或 XLSX，最大 3 MB；更大的文件请用命令行 npm run import -- 文件</Text>
        <Button id='import-choose' className='btn btn--primary' disabled={busy} onClick={choose}>
          {file ? `重新选择（当前：${file.name}）` : '选择文件'}
        </Button>
        <FieldError id='import-file-error' message={errors.fileBase64} />
      </View>

      {preview ? (
        <View className='card' id='import-preview'>
          <Text className='card__title'>
            {file?.name} · {preview.format.toUpperCase()} · {preview.encoding} · {preview.totalRows} 行{preview.remembered ? ' · 已沿用上次的对应关系' : ''}
          </Text>
          {preview.headers.map((h, i) => (
            <View key={h} id={`map-${i}`} className='imports__mapping-row'>
              <Text className='imports__header'>{h}</Text>
              <Text id={`map-${i}-field`} className={`chip${mapping[h] ? ' chip--on' : ''}`} onClick={() => setEditing(editing === h ? null : h)}>
                {mapping[h] ? FIELD_LABELS[mapping[h] as ImportField] : '不导入'} ▾
              </Text>
              <Text className='imports__sample'>{preview.sample.slice(0, 3).map((r) => r[i] ?? '').filter(Boolean).join(' / ')}</Text>
              {editing === h ? (
                <View>
                  {[null, ...fields].map((f) => (
                    <Text key={f ?? 'none'} id={`map-${i}-to-${f ?? 'none'}`} className={`chip${mapping[h] === f ? ' chip--on' : ''}`} onClick={() => {
                      // A field goes to one column: choosing it here frees it elsewhere.
                      setMapping((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k === h ? f : v === f ? null : v])));
                      setEditing(null);
                    }}>
                      {f ? FIELD_LABELS[f] : '不导入'}
                    </Text>
                  ))}
                </View>
              ) : null}
              <FieldError id={`map-${i}-error`} message={errors[`mapping.${h}`]} />
            </View>
          ))}
          <FieldError id='import-mapping-error' message={errors.mapping} />
          {preview.problems.map((p) => (
            <Text key={p.path + p.message} className='field-error'>{p.message}</Text>
          ))}
          <Button id='import-dry-run' className='btn btn--plain' disabled={busy} onClick={() => start(true)}>
            试运行（不保存）
          </Button>
          <Button id='import-run' className='btn btn--primary' disabled={busy} onClick={() => start(false)}>
            导入
          </Button>
        </View>
      ) : null}

      {job ? (
        <View className='card' id='import-result'>
          <Text className='card__title'>
            {dryRun ? '试运行结果' : '导入结果'} · {job.totalRows} 行{job.repeatOf ? ' · 这个文件导入过' : ''}
          </Text>
          <View className='imports__counts'>
            <Text id='import-filter-all' className={`chip${filter === null ? ' chip--on' : ''}`} onClick={() => showFilter(null)}>
              全部
            </Text>
            {OUTCOMES.map((o) => (
              <Text key={o} id={`import-count-${o}`} className={`chip${filter === o ? ' chip--on' : ''}`} onClick={() => showFilter(o)}>
                {OUTCOME_LABELS[o]} {job.counts[o]}
              </Text>
            ))}
          </View>
          {shown.map((r) => (
            <View key={r.rowNo} id={`report-row-${r.rowNo}`} className='imports__report-row'>
              <Text>第 {r.rowNo} 行 </Text>
              <Text className={`imports__outcome imports__outcome--${r.outcome}`}>{OUTCOME_LABELS[r.outcome]}</Text>
              {r.memberNo ? <Text>会员 {r.memberNo} </Text> : null}
              {r.orderNo ? <Text>订单 {r.orderNo} </Text> : null}
              {r.rule ? <Text>（按{RULE_LABELS[r.rule]}）</Text> : null}
              {r.field ? <Text>{FIELD_LABELS[r.field as ImportField] ?? r.field}：</Text> : null}
              <Text>{r.detail}</Text>
              {r.fixes ? <Text className='imports__fixes'>修正：{r.fixes}</Text> : null}
            </View>
          ))}
          {nextAfter !== null && !dryRun ? (
            <Button id='import-more' className='btn btn--plain' disabled={busy} onClick={() => void act(async () => (await loadReport(job.id, filter, nextAfter), null))}>
              更多
            </Button>
          ) : null}
          {!dryRun ? (
            <Button id='import-csv' className='btn btn--plain' onClick={downloadCsv}>
              下载完整报告（CSV）
            </Button>
          ) : null}
          {job.counts.conflict > 0 && !dryRun ? (
            <Button id='import-go-merges' className='btn btn--plain' onClick={() => void Taro.navigateTo({ url: '/console/merges/index' })}>
              处理待合并的会员（{job.counts.conflict}）
            </Button>
          ) : null}
        </View>
      ) : null}

      <View className='card' id='import-jobs'>
        <Text className='card__title'>最近的导入</Text>
        {jobs.length === 0 ? <Text className='muted'>还没有导入</Text> : null}
        {jobs.map((j) => (
          <View key={j.id} id={`job-${j.id}`} className='imports__report-row' onClick={() => {
            setJob(j);
            setDryRun(false);
            setFilter(null);
            void act(async () => (await loadReport(j.id, null, null), null));
          }}>
            <Text>
              {j.createdAt.slice(0, 16).replace('T', ' ')} · {j.kind === 'customers' ? '顾客' : '订单'} · {j.source} · {j.fileName} · {j.via === 'cli' ? '命令行' : '控制台'} · {j.status === 'done' ? `${j.totalRows} 行` : j.status === 'failed' ? `失败：${j.error ?? ''}` : '进行中'}
            </Text>
          </View>
        ))}
      </View>
    </View>
  );
}
