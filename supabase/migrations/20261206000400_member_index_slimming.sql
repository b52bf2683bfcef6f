-- Associate-keyed member indexes hold only members who have an associate (issues 5 and 7).
--
-- Every list that reads them names one associate (`associate_id = my_staff_id()` or a chosen
-- one), which implies `associate_id is not null`, so the planner uses the partial indexes for the
-- same queries. Members without an associate (an import from a POS or a shop, sign-ups before a
-- store assigns them) are then not written into six indexes that no query could read them from:
-- an import of 1 M new customers maintains 6 indexes fewer per row.
drop index if exists public.members_associate_idx;
create index members_associate_idx on public.members (org_id, associate_id, joined_at desc, id desc)
  where deleted_at is null and associate_id is not null;

drop index if exists public.members_associate_last_purchase_idx;
create index members_associate_last_purchase_idx on public.members
  (org_id, associate_id, (coalesce(last_purchase_at, '-infinity'::timestamptz)) desc, id desc)
  where deleted_at is null and associate_id is not null;

drop index if exists public.members_associate_spend_idx;
create index members_associate_spend_idx on public.members (org_id, associate_id, lifetime_spend_fen desc, id desc)
  where deleted_at is null and associate_id is not null;

drop index if exists public.members_associate_last_contact_idx;
create index members_associate_last_contact_idx on public.members
  (org_id, associate_id, (coalesce(last_contact_at, '-infinity'::timestamptz)) desc, id desc)
  where deleted_at is null and associate_id is not null;

drop index if exists public.members_associate_birthday_idx;
create index members_associate_birthday_idx on public.members
  (org_id, associate_id, birthday_calendar, birth_month, birth_day, birth_leap_month)
  where deleted_at is null and birthday_calendar is not null and associate_id is not null;

drop index if exists public.members_associate_at_risk_idx;
create index members_associate_at_risk_idx on public.members (org_id, associate_id, lifetime_spend_fen desc, id desc)
  where deleted_at is null and churn_state = 'at_risk' and associate_id is not null;
