// The demo people of the local demo (scripts/seed-demo.ts creates them). Listed by /api/config
// only while the WeChat simulator is in use, so production has no such logins.
export type DemoLogin = { openid: string; label: string; kind: 'member' | 'staff' };

export const DEMO_STORE_CODES = ['S001', 'S002'] as const;

export const DEMO_LOGINS: DemoLogin[] = [
  { openid: 'demo-associate-a', label: '导购 王芳 (旗舰店 S001)', kind: 'staff' },
  { openid: 'demo-associate-b', label: '导购 李娜 (万象城店 S002)', kind: 'staff' },
  { openid: 'demo-associate-c', label: '导购 张伟 (旗舰店 S001)', kind: 'staff' },
  { openid: 'demo-manager-a', label: '店长 陈刚 (旗舰店 S001)', kind: 'staff' },
  { openid: 'demo-operator', label: '运营 赵敏', kind: 'staff' },
  { openid: 'demo-admin', label: '管理员 周杰', kind: 'staff' },
  { openid: 'demo-member-1', label: '会员 刘洋', kind: 'member' },
];
