import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import type { MeOutput } from '@shared/schemas/auth-login.schema';
import {
  customerListInputSchema,
  type CustomerScope,
  type CustomerSort,
  type CustomerSummary,
} from '@shared/schemas/customer-list.schema';
import type { TagTaxonomyOutput } from '@shared/schemas/member-tag.schema';
import { CHURN_STATE_LABELS, RFM_CLASS_LABELS, RFM_CLASSES, type ChurnState, type RfmClass } from '@shared/domain/rfm';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { logout, ROUTES } from '../../services/auth';
import { STAFF_ROUTES } from '../staff-routes';
import { isWeapp } from '../../services/platform';
import { zodFieldErrors } from '../../lib/form-errors';
import { CustomerRow } from './customer-row';
import { daysFromToday, type QuickFilter, quickFilters, sortLabels } from './list-filters';
import './index.scss';

const PAGE_SIZE = 20;
// Results as you type: wait for a pause in typing, then search (the newest request wins).
const SEARCH_DEBOUNCE_MS = 300;

type Query = {
  scope: CustomerScope;
  storeId: string | undefined;
  q: string | undefined;
  sort: CustomerSort;
  quick: QuickFilter | undefined;
  tagIds: string[];
  rfmClass: RfmClass | undefined;
  churn: ChurnState | undefined;
};

// The churn states an associate acts on (the others are the default of a list).
const CHURN_CHIPS: ChurnState[] = ['at_risk', 'lapsed', 'one_time', 'active'];

// The list's filter as the API's (and bulk tagging's) filter object.
const filterOf = (query: Query) => ({
  scope: query.scope,
  storeId: query.storeId,
  q: query.q,
  tagIds: query.tagIds.length > 0 ? query.tagIds.join(',') : undefined,
  ...(query.quick === 'birthday_week' ? { birthday: 'week' as const } : {}),
  ...(query.quick === 'birthday_month' ? { birthday: 'month' as const } : {}),
  ...(query.quick === 'never_contacted' ? { neverContacted: 'true' as const } : {}),
  ...(query.quick === 'lapsed_90' ? { purchasedBefore: daysFromToday(-90) } : {}),
  ...(query.quick === 'bought_30' ? { purchasedAfter: daysFromToday(-30) } : {}),
  ...(query.rfmClass ? { rfmClass: query.rfmClass } : {}),
  ...(query.churn ? { churn: query.churn } : {}),
});

// An associate's customers: mine or my stores', filtered the way associates think (tags by
// group, birthdays, last purchase, never contacted), sorted, searched as you type, one page at
// a time ("load more" follows the server's cursor). A filtered list can be tagged in one go.
export default function CustomersPage() {
  const [me, setMe] = useState<MeOutput | null>(null);
  const [query, setQuery] = useState<Query>({ scope: 'store', storeId: undefined, q: undefined, sort: 'joined', quick: undefined, tagIds: [], rfmClass: undefined, churn: undefined });
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<CustomerSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [searchError, setSearchError] = useState<string | undefined>(undefined);
  const [taxonomy, setTaxonomy] = useState<TagTaxonomyOutput | null>(null);
  const [showTags, setShowTags] = useState(false);
  const [showRfm, setShowRfm] = useState(false);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [bulkNote, setBulkNote] = useState<string | null>(null);
  const [bulkBusy, setBulkBusy] = useState(false);
  // Only the newest request may write the list: a slow answer to an older search must not
  // replace the answer to the current one.
  const requestSeq = useRef(0);
  const debounce = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = async (next: Query, after: string | null): Promise<void> => {
    // The server's own rules, checked before sending.
    const parsed = customerListInputSchema.safeParse({ ...filterOf(next), sort: next.sort, limit: PAGE_SIZE, cursor: after ?? undefined });
    if (!parsed.success) {
      const fieldErrors = zodFieldErrors(parsed.error);
      setSearchError(fieldErrors.q ?? Object.values(fieldErrors)[0]);
      return;
    }
    setSearchError(undefined);
    const seq = ++requestSeq.current;
    setLoading(true);
    setError(null);
    // A new search or filter starts from an empty list, so rows of the previous one cannot be
    // mistaken for (or tapped as) results of this one.
    if (!after) {
      setItems([]);
      setCursor(null);
      setLoaded(false);
    }
    try {
      const page = await api.customers(parsed.data);
      if (seq !== requestSeq.current) return;
      setItems((previous) => (after ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setLoaded(true);
    } catch (e) {
      if (seq === requestSeq.current) setError(errorMessage(e));
    } finally {
      if (seq === requestSeq.current) setLoading(false);
    }
  };

  // The current query for callbacks that outlive a render (the debounced search).
  const queryRef = useRef(query);
  const update = (patch: Partial<Query>): void => {
    const next = { ...queryRef.current, ...patch };
    queryRef.current = next;
    setQuery(next);
    setBulkNote(null);
    void load(next, null);
  };

  useEffect(() => {
    api
      .me()
      .then((who) => {
        setMe(who);
        if (who.staff) {
          void load(query, null);
          api.tags().then(setTaxonomy).catch(() => undefined);
        }
      })
      .catch((e: unknown) => setError(errorMessage(e)));
    return () => {
      if (debounce.current) clearTimeout(debounce.current);
    };
    // Once per page load.
  }, []);

  const termOf = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

  const onType = (text: string): void => {
    setSearch(text);
    if (debounce.current) clearTimeout(debounce.current);
    debounce.current = setTimeout(() => update({ q: termOf(text) }), SEARCH_DEBOUNCE_MS);
  };

  const runSearch = (): void => {
    if (debounce.current) clearTimeout(debounce.current);
    update({ q: termOf(search) });
  };

  const toggleTag = (tagId: string): void => {
    const on = query.tagIds.includes(tagId);
    update({ tagIds: on ? query.tagIds.filter((t) => t !== tagId) : [...query.tagIds, tagId] });
  };

  const filtered = query.quick !== undefined || query.tagIds.length > 0 || query.q !== undefined || query.rfmClass !== undefined || query.churn !== undefined;

  const bulkTag = async (tagId: string, tagName: string): Promise<void> => {
    if (bulkBusy) return;
    setBulkBusy(true);
    setBulkNote(null);
    try {
      const result = await api.bulkTag({ tagId, action: 'add', filter: filterOf(query) });
      setBulkNote(`已为 ${result.matched} 位顾客打上“${tagName}”（新增 ${result.changed}）`);
      setBulkOpen(false);
    } catch (e) {
      setBulkNote(errorMessage(e));
    } finally {
      setBulkBusy(false);
    }
  };

  const stores = me?.staff?.stores ?? [];
  const isManager = me?.staff?.role === 'manager' || me?.staff?.role === 'admin';

  // Signs the browser console in as this staff member: scan the QR code it shows, approve.
  const [consoleNote, setConsoleNote] = useState<string | null>(null);
  const approveConsole = async (): Promise<void> => {
    setConsoleNote(null);
    try {
      const scanned = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      await api.consoleApprove(scanned.result);
      setConsoleNote('电脑端已登录');
    } catch (e) {
      // Closing the camera is not an error worth a message.
      const cancelled = typeof e === 'object' && e !== null && String((e as { errMsg?: unknown }).errMsg ?? '').includes('cancel');
      if (!cancelled) setConsoleNote(errorMessage(e));
    }
  };

  return (
    <View className='page customers-page'>
      {me?.staff ? (
        <View className='customers-page__who'>
          <Text id='staff-name'>{me.staff.name}</Text>
          <Text className='muted'> · {stores.map((s) => s.name).join('、') || '未分配门店'}</Text>
        </View>
      ) : null}

      {me && !me.staff ? <Notice id='not-staff' text='当前账号不是导购账号。' /> : null}

      {me?.staff ? (
        <View className='customers-page__nav'>
          <Button id='open-todo' className='btn btn--primary customers-page__nav-btn' onClick={() => void Taro.navigateTo({ url: STAFF_ROUTES.todo })}>
            今日待办
          </Button>
          {isManager ? (
            <Button id='open-handover' className='btn btn--plain customers-page__nav-btn' onClick={() => void Taro.navigateTo({ url: STAFF_ROUTES.handover })}>
              顾客交接
            </Button>
          ) : null}
        </View>
      ) : null}

      <View className='customers-page__chips'>
        {(['mine', 'store'] as const).map((scope) => (
          <Text
            key={scope}
            id={`scope-${scope}`}
            className={`chip scope-chip${query.scope === scope ? ' chip--on' : ''}`}
            onClick={() => update({ scope })}
          >
            {scope === 'mine' ? '我的顾客' : '门店顾客'}
          </Text>
        ))}
      </View>

      {stores.length > 1 ? (
        <View className='customers-page__stores'>
          <Text
            id='store-all'
            className={`chip store-chip${query.storeId === undefined ? ' chip--on' : ''}`}
            onClick={() => update({ storeId: undefined })}
          >
            全部门店
          </Text>
          {stores.map((store) => (
            <Text
              key={store.id}
              id={`store-${store.id}`}
              className={`chip store-chip${query.storeId === store.id ? ' chip--on' : ''}`}
              onClick={() => update({ storeId: store.id })}
            >
              {store.name}
            </Text>
          ))}
        </View>
      ) : null}

      <View className='customers-page__search'>
        <Input
          id='customer-search'
          className='field__input customers-page__search-input'
          value={search}
          maxlength={50}
          confirmType='search'
          placeholder='姓名 / 拼音 / 首字母 / 手机后 4 位 / 会员号'
          onInput={(e) => onType(e.detail.value)}
          onConfirm={runSearch}
        />
        <Button id='customer-search-submit' className='btn btn--primary customers-page__search-btn' onClick={runSearch}>
          搜索
        </Button>
      </View>
      <FieldError id='customer-search-error' message={searchError} />

      <View className='customers-page__chips'>
        {quickFilters.map((f) => (
          <Text
            key={f.key}
            id={`filter-${f.key}`}
            className={`chip filter-chip${query.quick === f.key ? ' chip--on' : ''}`}
            onClick={() => update({ quick: query.quick === f.key ? undefined : f.key })}
          >
            {f.label}
          </Text>
        ))}
        <Text id='filter-tags' className={`chip filter-chip${query.tagIds.length > 0 ? ' chip--on' : ''}`} onClick={() => setShowTags((v) => !v)}>
          标签{query.tagIds.length > 0 ? `(${query.tagIds.length})` : ''}
        </Text>
        <Text
          id='filter-rfm'
          className={`chip filter-chip${query.rfmClass || query.churn ? ' chip--on' : ''}`}
          onClick={() => setShowRfm((v) => !v)}
        >
          {query.rfmClass ? RFM_CLASS_LABELS[query.rfmClass] : query.churn ? CHURN_STATE_LABELS[query.churn] : '客户价值'}
        </Text>
      </View>

      {showRfm ? (
        <View id='rfm-filter' className='card customers-page__tags'>
          <Text className='muted'>RFM 分类（按本品牌全体顾客的最近购买、频次、金额五等分）</Text>
          <View className='tag-group__tags'>
            {RFM_CLASSES.map((c) => (
              <Text
                key={c}
                id={`filter-rfm-${c}`}
                className={`chip filter-tag${query.rfmClass === c ? ' chip--on' : ''}`}
                onClick={() => update({ rfmClass: query.rfmClass === c ? undefined : c })}
              >
                {RFM_CLASS_LABELS[c]}
              </Text>
            ))}
          </View>
          <Text className='muted'>流失状态</Text>
          <View className='tag-group__tags'>
            {CHURN_CHIPS.map((c) => (
              <Text
                key={c}
                id={`filter-churn-${c}`}
                className={`chip filter-tag${query.churn === c ? ' chip--on' : ''}`}
                onClick={() => update({ churn: query.churn === c ? undefined : c })}
              >
                {CHURN_STATE_LABELS[c]}
              </Text>
            ))}
          </View>
        </View>
      ) : null}

      {showTags && taxonomy ? (
        <View id='tag-filter' className='card customers-page__tags'>
          <Text className='muted'>同一组内任选其一，不同组须同时满足</Text>
          {taxonomy.groups.map((group) => (
            <View key={group.id} className='tag-group'>
              <Text className='tag-group__name'>{group.name}</Text>
              <View className='tag-group__tags'>
                {group.tags.map((tag) => (
                  <Text
                    key={tag.id}
                    id={`filter-tag-${tag.id}`}
                    className={`chip filter-tag${query.tagIds.includes(tag.id) ? ' chip--on' : ''}`}
                    onClick={() => toggleTag(tag.id)}
                  >
                    {tag.name}
                  </Text>
                ))}
              </View>
            </View>
          ))}
        </View>
      ) : null}

      <View className='customers-page__chips'>
        <Text className='muted'>排序：</Text>
        {(Object.keys(sortLabels) as CustomerSort[]).map((sort) => (
          <Text key={sort} id={`sort-${sort}`} className={`chip sort-chip${query.sort === sort ? ' chip--on' : ''}`} onClick={() => update({ sort })}>
            {sortLabels[sort]}
          </Text>
        ))}
      </View>

      {filtered && me?.staff ? (
        <View className='customers-page__bulk'>
          <Button id='bulk-open' className='btn btn--plain' onClick={() => setBulkOpen((v) => !v)}>
            给筛选结果批量打标签
          </Button>
          {bulkOpen && taxonomy ? (
            <View id='bulk-tags' className='card'>
              {taxonomy.groups.map((group) => (
                <View key={group.id} className='tag-group'>
                  <Text className='tag-group__name'>{group.name}</Text>
                  <View className='tag-group__tags'>
                    {group.tags.map((tag) => (
                      <Text key={tag.id} id={`bulk-tag-${tag.id}`} className='chip' onClick={() => void bulkTag(tag.id, tag.name)}>
                        {tag.name}
                      </Text>
                    ))}
                  </View>
                </View>
              ))}
            </View>
          ) : null}
        </View>
      ) : null}
      <Notice id='bulk-note' tone='info' text={bulkNote} />

      <Notice id='customers-error' text={error} />

      <View id='customer-list' className='card customers-page__list'>
        {items.map((customer) => (
          <CustomerRow
            key={customer.id}
            customer={customer}
            sort={query.sort}
            onOpen={() => void Taro.navigateTo({ url: ROUTES.customer(customer.id) })}
          />
        ))}
        {loaded && items.length === 0 ? (
          <View id='customers-empty' className='muted customers-page__empty'>
            {query.q ? `没有找到“${query.q}”相关的顾客` : filtered ? '没有符合条件的顾客' : '还没有顾客'}
          </View>
        ) : null}
        {loading ? <View className='muted customers-page__empty'>加载中…</View> : null}
      </View>

      {cursor && !loading ? (
        <Button id='customers-more' className='btn btn--plain' onClick={() => void load(query, cursor)}>
          加载更多
        </Button>
      ) : null}

      {isWeapp && me?.staff ? (
        <Button id='console-scan' className='btn btn--plain' onClick={() => void approveConsole()}>
          扫码登录电脑端
        </Button>
      ) : null}
      <Notice id='console-note' tone='info' text={consoleNote} />

      <Button id='logout' className='btn btn--plain' onClick={logout}>
        退出登录
      </Button>
    </View>
  );
}
