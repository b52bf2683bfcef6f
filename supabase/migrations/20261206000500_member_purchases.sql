-- Orders update each member ONCE: purchase aggregates and RFM scores in one statement (issue 7).
--
-- Until now an insert of orders fired two statement triggers in turn: orders_member_stats_*
-- (private.refresh_member_order_stats) rewrote the members' aggregates (first/last purchase,
-- spend, count), then orders_rfm_* rescored the same members from them. Both column sets are
-- indexed, so each was a non-HOT update: a new members row and an entry in every members index,
-- twice per member. Importing 200,000 orders for 124,504 members spent 18 s in the first and 35 s
-- in the second (2.7 M WAL records each), 53 of the import's 67 s. Now the aggregates' refresh
-- also scores them against the org's breakpoints and writes each row once, only when something
-- differs; the order triggers call it as before and the RFM triggers are gone.
--
-- An org without breakpoints yet (its first purchasers) gets them computed from the new
-- aggregates afterwards, and those members rescored (rfm_score_members does both).

create or replace function private.refresh_member_order_stats(p_org uuid[], p_member uuid[]) returns void
  language plpgsql security definer set search_path = ''
as $$
declare
  v_first_purchasers boolean := exists (
    select 1 from (select distinct unnest(p_org) as org_id) k
    where k.org_id is not null and not exists (select 1 from public.rfm_breakpoints b where b.org_id = k.org_id));
begin
  update public.members m
  set first_purchase_at = s.first_at, last_purchase_at = s.last_at,
      lifetime_spend_fen = s.spend, order_count = s.n,
      rfm_r = s.sc[1], rfm_f = s.sc[2], rfm_m = s.sc[3],
      rfm_class = private.rfm_class_of(s.sc[1], s.sc[2], s.sc[3]),
      churn_state = s.churn,
      -- as rfm_score_members: the time of the last rescoring that changed something
      rfm_scored_at = case when (array[m.rfm_r, m.rfm_f, m.rfm_m], m.churn_state) is distinct from (s.sc, s.churn)
                           then now() else m.rfm_scored_at end
  from (
    select a.org_id, a.member_id, a.first_at, a.last_at, a.spend, a.n,
           private.rfm_scores(a.last_at, a.n, a.spend, b.r_edges, b.f_edges, b.m_edges) as sc,
           private.churn_state_of(a.first_at, a.last_at, a.n, now()) as churn
    from (
      select k.org_id, k.member_id,
             min(o.ordered_at) as first_at, max(o.ordered_at) as last_at,
             coalesce(sum(o.total_fen), 0)::bigint as spend, count(o.id)::int as n
      from (select distinct unnest(p_org) as org_id, unnest(p_member) as member_id) k
      left join public.orders o on o.org_id = k.org_id and o.member_id = k.member_id
      group by k.org_id, k.member_id
    ) a
    left join public.rfm_breakpoints b on b.org_id = a.org_id
  ) s
  where m.org_id = s.org_id and m.id = s.member_id
    and ((m.first_purchase_at, m.last_purchase_at, m.lifetime_spend_fen, m.order_count)
           is distinct from (s.first_at, s.last_at, s.spend, s.n)
         or (array[m.rfm_r, m.rfm_f, m.rfm_m], m.churn_state) is distinct from (s.sc, s.churn));

  if v_first_purchasers then
    perform private.rfm_score_members(p_org, p_member);
  end if;
end
$$;
revoke execute on function private.refresh_member_order_stats(uuid[], uuid[]) from public;

-- The scoring now happens in the refresh above.
drop trigger if exists orders_rfm_ins on public.orders;
drop trigger if exists orders_rfm_del on public.orders;
drop trigger if exists orders_rfm_upd on public.orders;
drop function if exists private.orders_rfm_after_insert();
drop function if exists private.orders_rfm_after_delete();
drop function if exists private.orders_rfm_after_update();
