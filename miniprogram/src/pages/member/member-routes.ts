// The member pages added for issue 4 (main package: every member needs them).
export const MEMBER_ROUTES = {
  profile: '/pages/member/profile/index',
  privacy: '/pages/member/privacy/index',
  // For associates and managers (linked from the staff pages).
  invite: '/pages/member/invite/index',
} as const;
