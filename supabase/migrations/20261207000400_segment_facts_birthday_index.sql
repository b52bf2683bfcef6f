-- Segment counts with a birthday month read that month's members only (issue 7: segment count
-- under 300 ms at 1 M members).
--
-- Birthday greetings are the operators' most common segment ("born in April, bought in the last
-- 90 days, not churned"). Without an index its count read all of member_segment_facts: 131 ms
-- for one count at 1 M members, 318 ms at p95 with four at once. A month is about a twelfth of
-- the members; this index lets the count read just them (a bitmap of the solar month's members
-- and of the lunar keys' months, then their rows): 48 ms for the same count.
--
-- Birthdays almost never change, so the updates the facts take all day (an order's spend and
-- last purchase, the RFM refresh) still change no indexed column and stay HOT (no new index
-- entry). The lunar branch of the rule names its months too (functions/_lib/segments/
-- segment-sql.ts), so both branches are ranges of this index.

create index member_segment_facts_birthday_idx on public.member_segment_facts (org_id, birth_month, birthday_calendar);
