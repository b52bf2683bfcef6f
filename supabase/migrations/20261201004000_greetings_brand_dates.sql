-- Greetings, part 2: the brand's own dates and recurring campaigns.
-- * stores.opened_on: the store's opening day (admins set it), for store-anniversary greetings.
-- * greeting_campaigns.kind 'store_anniversary': each store's members on its anniversary.
-- * Recurring segment campaigns: weekly on chosen ISO weekdays or monthly on a day (31 = the last
--   day of shorter months), from scheduled_on (the first day it may run) to repeat_until. Every
--   occurrence is its own occasion_date in the outbox's idempotency key, so planning an
--   occurrence twice plans it once, and two occurrences never collide.

-- Tables ------------------------------------------------------------------------------------

alter table public.stores add column opened_on date check (opened_on between date '1900-01-01' and date '2200-12-31');

alter table public.greeting_campaigns
  drop constraint greeting_campaigns_kind_check,
  add constraint greeting_campaigns_kind_check
    check (kind in ('birthday', 'holiday', 'join_anniversary', 'store_anniversary', 'segment'));

alter table public.greeting_campaigns
  add column repeat_every text check (repeat_every in ('week', 'month')),
  add column repeat_weekdays smallint[] check (
    repeat_weekdays <@ array[1, 2, 3, 4, 5, 6, 7]::smallint[] and cardinality(repeat_weekdays) between 1 and 7
  ),
  add column repeat_month_day smallint check (repeat_month_day between 1 and 31),
  add column repeat_until date,
  add constraint greeting_campaigns_repeat_segment_check check (repeat_every is null or kind = 'segment'),
  add constraint greeting_campaigns_repeat_week_check check ((coalesce(repeat_every, '') = 'week') = (repeat_weekdays is not null)),
  add constraint greeting_campaigns_repeat_month_check check ((coalesce(repeat_every, '') = 'month') = (repeat_month_day is not null)),
  add constraint greeting_campaigns_repeat_until_check check (
    repeat_until is null or (repeat_every is not null and repeat_until >= scheduled_on)
  );

-- Comments ----------------------------------------------------------------------------------

comment on column public.stores.opened_on is 'The store''s opening day (brand calendar): store-anniversary greetings; Feb 29 is celebrated on Feb 28 in short years.';
comment on column public.greeting_campaigns.repeat_every is 'null = a one-off campaign on scheduled_on; week / month = recurring from scheduled_on.';
comment on column public.greeting_campaigns.repeat_weekdays is 'Weekly campaigns: ISO weekdays, 1 = Monday … 7 = Sunday, in the brand''s time zone.';
comment on column public.greeting_campaigns.repeat_month_day is 'Monthly campaigns: the day of the month; months without that day use their last day.';
comment on column public.greeting_campaigns.repeat_until is 'The last day a recurring campaign may run (inclusive); null = no end.';

-- Policies ----------------------------------------------------------------------------------

-- Unchanged: "Admins can update stores" already limits every store update to the org's admins;
-- operators, associates, members, other orgs and anon cannot change an opening date.

-- Grants ------------------------------------------------------------------------------------

grant update (opened_on) on public.stores to authenticated;
grant insert (repeat_every, repeat_weekdays, repeat_month_day, repeat_until),
  update (repeat_every, repeat_weekdays, repeat_month_day, repeat_until) on public.greeting_campaigns to authenticated;
