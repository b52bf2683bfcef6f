// The associates' subpackage pages (the customer list and card are in services/auth ROUTES).
export const STAFF_ROUTES = {
  todo: '/staff/todo/index',
  handover: '/staff/handover/index',
  // The card opened at a section: the to-do list's one-tap actions (greet, log, tag).
  customerAt: (id: string, section: 'log' | 'tags' | 'greet'): string => `/staff/customer/index?id=${encodeURIComponent(id)}&section=${section}`,
} as const;
