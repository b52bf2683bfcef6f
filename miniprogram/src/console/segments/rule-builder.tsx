import { Input, Text, View } from '@tarojs/components';
import type { SegmentOptionsOutput } from '@shared/schemas/segment-admin.schema';
import { FieldError } from '../../components/field-error';
import { toggle, type Draft } from './draft';

type RuleBuilderProps = {
  options: SegmentOptionsOutput;
  draft: Draft;
  errors: Record<string, string>;
  // An update of the draft as it is when applied (two quick taps both count, even before the
  // page has re-rendered: setData in the mini-program is asynchronous).
  onChange: (update: (current: Draft) => Draft) => void;
};

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

// The segment rules as chips and fields. Every rule narrows the segment; inside one rule the
// chosen values are alternatives (tags: any within a group, all across groups, like WeCom).
export function RuleBuilder({ options, draft, errors, onChange }: RuleBuilderProps) {
  const set = (patch: Partial<Draft> | ((current: Draft) => Partial<Draft>)): void =>
    onChange((current) => ({ ...current, ...(typeof patch === 'function' ? patch(current) : patch) }));
  return (
    <View id='seg-rules' className='card'>
      <Text className='card__title'>规则</Text>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>RFM 分类</Text>
        <View className='seg-rule__chips'>
          {options.rfmClasses.map((c) => (
            <Text
              key={c.key}
              id={`seg-rfm-${c.key}`}
              className={`chip${draft.rfmClasses.includes(c.key) ? ' chip--on' : ''}`}
              onClick={() => set((d) => ({ rfmClasses: toggle(d.rfmClasses, c.key) }))}
            >
              {c.label}
            </Text>
          ))}
        </View>
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>流失状态</Text>
        <View className='seg-rule__chips'>
          {options.churnStates.map((c) => (
            <Text
              key={c.key}
              id={`seg-churn-${c.key}`}
              className={`chip${draft.churnStates.includes(c.key) ? ' chip--on' : ''}`}
              onClick={() => set((d) => ({ churnStates: toggle(d.churnStates, c.key) }))}
            >
              {c.label}
            </Text>
          ))}
        </View>
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>标签</Text>
        <Text className='muted'>同一组内任选其一，不同组须同时满足</Text>
        {options.tagGroups.map((g) => (
          <View key={g.id} className='seg-rule__group'>
            <Text className='seg-rule__group-name'>{g.name}</Text>
            {g.tags
              .filter((t) => !t.retired || draft.tagIds.includes(t.id))
              .map((t) => (
                <Text
                  key={t.id}
                  id={`seg-tag-${t.id}`}
                  className={`chip${draft.tagIds.includes(t.id) ? ' chip--on' : ''}`}
                  onClick={() => set((d) => ({ tagIds: toggle(d.tagIds, t.id) }))}
                >
                  {t.name}
                  {t.retired ? '（已停用）' : ''}
                </Text>
              ))}
          </View>
        ))}
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>门店</Text>
        <View className='seg-rule__chips'>
          {options.stores.map((s) => (
            <Text
              key={s.id}
              id={`seg-store-${s.code}`}
              className={`chip${draft.storeIds.includes(s.id) ? ' chip--on' : ''}`}
              onClick={() => set((d) => ({ storeIds: toggle(d.storeIds, s.id) }))}
            >
              {s.name}
            </Text>
          ))}
        </View>
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>累计消费（元）</Text>
        <View className='seg-rule__range'>
          <Input id='seg-spend-min' className='seg-input' type='digit' placeholder='不限' value={draft.spendMin} onInput={(e) => set({ spendMin: e.detail.value })} />
          <Text className='muted'>至</Text>
          <Input id='seg-spend-max' className='seg-input' type='digit' placeholder='不限' value={draft.spendMax} onInput={(e) => set({ spendMax: e.detail.value })} />
        </View>
        <FieldError id='seg-spendMin-error' message={errors.spendMin} />
        <FieldError id='seg-spendMax-error' message={errors.spendMax} />
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>最近购买（品牌时区的日期）</Text>
        <View className='seg-rule__range'>
          <Text className='muted'>不早于</Text>
          <Input id='seg-after' className='seg-input' placeholder='YYYY-MM-DD' value={draft.lastPurchaseAfter} onInput={(e) => set({ lastPurchaseAfter: e.detail.value })} />
          <Text className='muted'>早于</Text>
          <Input id='seg-before' className='seg-input' placeholder='YYYY-MM-DD' value={draft.lastPurchaseBefore} onInput={(e) => set({ lastPurchaseBefore: e.detail.value })} />
        </View>
        <FieldError id='seg-lastPurchaseAfter-error' message={errors.lastPurchaseAfter} />
        <FieldError id='seg-lastPurchaseBefore-error' message={errors.lastPurchaseBefore} />
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>生日月份（含农历生日当年所在月）</Text>
        <View className='seg-rule__chips'>
          {MONTHS.map((m) => (
            <Text
              key={m}
              id={`seg-month-${m}`}
              className={`chip${draft.birthdayMonth === m ? ' chip--on' : ''}`}
              onClick={() => set((d) => ({ birthdayMonth: d.birthdayMonth === m ? null : m }))}
            >
              {m}月
            </Text>
          ))}
        </View>
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>营销消息同意</Text>
        <View className='seg-rule__chips'>
          {options.consents.map((c) => (
            <Text
              key={c.key}
              id={`seg-consent-${c.key}`}
              className={`chip${draft.consents.includes(c.key) ? ' chip--on' : ''}`}
              onClick={() => set((d) => ({ consents: toggle(d.consents, c.key) }))}
            >
              {c.label}
            </Text>
          ))}
        </View>
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>地区码前缀（省 2 位 / 市 4 位 / 区县 6 位，逗号分隔）</Text>
        <Input id='seg-regions' className='seg-input seg-input--wide' placeholder='如 31, 4403' value={draft.regions} onInput={(e) => set({ regions: e.detail.value })} />
        <FieldError id='seg-regions-error' message={errors.regions} />
      </View>

      <View className='seg-rule'>
        <Text className='seg-rule__label'>会员等级（逗号分隔）</Text>
        <Input id='seg-tiers' className='seg-input seg-input--wide' placeholder='如 金卡, 银卡' value={draft.tiers} onInput={(e) => set({ tiers: e.detail.value })} />
        <FieldError id='seg-tiers-error' message={errors.tiers} />
      </View>
    </View>
  );
}
