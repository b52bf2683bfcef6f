import { useEffect, useState, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { TodoOutput, TodoPerson } from '@shared/schemas/todo-list.schema';
import { Notice } from '../../components/notice';
import { api } from '../../services/api';
import { errorMessage } from '../../services/api-client';
import { formatDate, formatFen } from '../../lib/format';
import { STAFF_ROUTES } from '../staff-routes';
import './index.scss';

type Action = 'greet' | 'log' | 'tags';
const actionLabels: Record<Action, string> = { greet: '问候', log: '记录', tags: '标签' };

const open = (id: string, action: Action): void => void Taro.navigateTo({ url: STAFF_ROUTES.customerAt(id, action) });

function Person({ p, section, note, actions }: { p: TodoPerson; section: string; note?: string; actions: Action[] }) {
  return (
    <View id={`todo-${section}-${p.id}`} className='todo-row'>
      <View className='todo-row__main' onClick={() => open(p.id, actions[0] ?? 'log')}>
        <Text className='todo-row__name'>{p.name ?? '未填写姓名'}</Text>
        <Text className='muted'>{note ?? p.phoneMasked ?? ''}</Text>
      </View>
      <View className='todo-row__actions'>
        {actions.map((a) => (
          <Text key={a} id={`todo-${section}-${p.id}-${a}`} className='chip todo-action' onClick={() => open(p.id, a)}>
            {actionLabels[a]}
          </Text>
        ))}
      </View>
    </View>
  );
}

function Section({ id, title, count, children }: { id: string; title: string; count: number; children: ReactNode }) {
  return (
    <View id={`todo-${id}`} className='card'>
      <Text className='card__title'>
        {title}（{count}）
      </Text>
      {count === 0 ? <Text className='muted'>暂无</Text> : children}
    </View>
  );
}

// Today's work: birthdays (solar and lunar, in the brand's time zone), due follow-ups,
// customers slipping away and upcoming holidays. Every item opens the customer's card at the
// section of its action: one tap to greet, log or tag.
export default function TodoPage() {
  const [scope, setScope] = useState<'mine' | 'store'>('mine');
  const [todo, setTodo] = useState<TodoOutput | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = (next: 'mine' | 'store'): void => {
    setScope(next);
    setError(null);
    api
      .todo(next)
      .then(setTodo)
      .catch((e: unknown) => setError(errorMessage(e)));
  };

  useEffect(() => load('mine'), []);

  return (
    <View className='page todo-page'>
      <View className='todo-page__head'>
        <Text id='todo-today'>{todo ? `${todo.today}` : ''}</Text>
        <View>
          {(['mine', 'store'] as const).map((s) => (
            <Text key={s} id={`todo-scope-${s}`} className={`chip${scope === s ? ' chip--on' : ''}`} onClick={() => load(s)}>
              {s === 'mine' ? '我的顾客' : '门店顾客'}
            </Text>
          ))}
        </View>
      </View>
      <Notice id='todo-error' text={error} />
      {todo ? (
        <View>
          <Section id='birthdays-today' title='今天生日' count={todo.birthdaysToday.length}>
            {todo.birthdaysToday.map((p) => (
              <Person key={p.id} p={p} section='birthday' note={p.calendar === 'lunar' ? '农历生日' : '生日'} actions={['greet', 'log', 'tags']} />
            ))}
          </Section>
          <Section id='follow-ups' title='到期跟进' count={todo.followUps.length}>
            {todo.followUps.map((p) => (
              <Person key={p.id} p={p} section='follow-up' note={`${p.followUpOn} · ${p.note}`} actions={['log', 'greet']} />
            ))}
          </Section>
          <Section id='birthdays-week' title='本周生日' count={todo.birthdaysThisWeek.length}>
            {todo.birthdaysThisWeek.map((p) => (
              <Person key={p.id} p={p} section='birthday-week' note={`${p.date}${p.calendar === 'lunar' ? '（农历）' : ''}`} actions={['greet', 'log']} />
            ))}
          </Section>
          <Section id='slipping' title='可能流失' count={todo.slipping.length}>
            {todo.slipping.map((p) => (
              <Person
                key={p.id}
                p={p}
                section='slipping'
                note={`最近购买 ${formatDate(p.lastPurchaseAt)} · ${formatFen(p.lifetimeSpendFen)}`}
                actions={['log', 'greet', 'tags']}
              />
            ))}
          </Section>
          <Section id='holidays' title='近期节日' count={todo.holidays.length}>
            {todo.holidays.map((h) => (
              <View key={h.key} id={`holiday-${h.key}`} className='todo-holiday'>
                <Text className='todo-holiday__name'>
                  {h.name} · {h.date}（{h.daysAway === 0 ? '今天' : `${h.daysAway} 天后`}）
                </Text>
                {h.customers.map((p) => (
                  <Person key={p.id} p={p} section={`holiday-${h.key}`} actions={['greet']} />
                ))}
              </View>
            ))}
          </Section>
        </View>
      ) : null}
    </View>
  );
}
