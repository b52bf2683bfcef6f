import { useEffect, useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import type { MeOutput } from '@shared/schemas/auth-login.schema';
import { customerListInputSchema, type CustomerSummary } from '@shared/schemas/customer-list.schema';
import { FieldError } from '../../components/field-error';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { logout, ROUTES } from '../../services/auth';
import { isWeapp } from '../../services/platform';
import { zodFieldErrors } from '../../lib/form-errors';
import { CustomerRow } from './customer-row';
import './index.scss';

const PAGE_SIZE = 20;

type Query = { storeId: string | undefined; q: string | undefined };

// An associate's customers: the store's members, newest first, searchable by name or the last
// four digits of the phone, one page at a time ("load more" follows the server's cursor).
export default function CustomersPage() {
  const [me, setMe] = useState<MeOutput | null>(null);
  const [storeId, setStoreId] = useState<string | undefined>(undefined);
  const [search, setSearch] = useState('');
  const [activeQ, setActiveQ] = useState<string | undefined>(undefined);
  const [items, setItems] = useState<CustomerSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [searchError, setSearchError] = useState<string | undefined>(undefined);
  // Only the newest request may write the list: a slow answer to an older search must not
  // replace the answer to the current one.
  const requestSeq = useRef(0);

  const load = async (query: Query, after: string | null): Promise<void> => {
    // The server's own rules (q trimmed, 1–50 characters; limit 1–100), checked before sending.
    const parsed = customerListInputSchema.safeParse({
      storeId: query.storeId,
      q: query.q,
      limit: PAGE_SIZE,
      cursor: after ?? undefined,
    });
    if (!parsed.success) {
      const fieldErrors = zodFieldErrors(parsed.error);
      setSearchError(fieldErrors.q ?? Object.values(fieldErrors)[0]);
      return;
    }
    const seq = ++requestSeq.current;
    setLoading(true);
    setError(null);
    // A new search or store starts from an empty list, so rows of the previous one cannot be
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

  useEffect(() => {
    api
      .me()
      .then((who) => {
        setMe(who);
        if (who.staff) void load({ storeId: undefined, q: undefined }, null);
      })
      .catch((e: unknown) => setError(errorMessage(e)));
    // Once per page load.
  }, []);

  const runSearch = (): void => {
    const q = search.trim() === '' ? undefined : search.trim();
    setSearchError(undefined);
    setActiveQ(q);
    void load({ storeId, q }, null);
  };

  const chooseStore = (id: string | undefined): void => {
    setStoreId(id);
    void load({ storeId: id, q: activeQ }, null);
  };

  const stores = me?.staff?.stores ?? [];

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

      {stores.length > 1 ? (
        <View className='customers-page__stores'>
          <Text
            id='store-all'
            className={`chip store-chip${storeId === undefined ? ' chip--on' : ''}`}
            onClick={() => chooseStore(undefined)}
          >
            全部门店
          </Text>
          {stores.map((store) => (
            <Text
              key={store.id}
              id={`store-${store.id}`}
              className={`chip store-chip${storeId === store.id ? ' chip--on' : ''}`}
              onClick={() => chooseStore(store.id)}
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
          placeholder='姓名 / 手机尾号后 4 位'
          onInput={(e) => setSearch(e.detail.value)}
          onConfirm={runSearch}
        />
        <Button id='customer-search-submit' className='btn btn--primary customers-page__search-btn' onClick={runSearch}>
          搜索
        </Button>
      </View>
      <FieldError id='customer-search-error' message={searchError} />

      <Notice id='customers-error' text={error} />

      <View id='customer-list' className='card customers-page__list'>
        {items.map((customer) => (
          <CustomerRow
            key={customer.id}
            customer={customer}
            onOpen={() => void Taro.navigateTo({ url: ROUTES.customer(customer.id) })}
          />
        ))}
        {loaded && items.length === 0 ? (
          <View id='customers-empty' className='muted customers-page__empty'>
            {activeQ ? `没有找到“${activeQ}”相关的顾客` : '还没有顾客'}
          </View>
        ) : null}
        {loading ? <View className='muted customers-page__empty'>加载中…</View> : null}
      </View>

      {cursor && !loading ? (
        <Button id='customers-more' className='btn btn--plain' onClick={() => void load({ storeId, q: activeQ }, cursor)}>
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
