// Members only ever load the main package (start, join, card). The associates' pages are a
// subpackage, downloaded the first time an associate opens them, which keeps the main package
// (WeChat's 2 MB limit) to what every member needs.
export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/member/join/index',
    'pages/member/card/index',
    'pages/member/profile/index',
    'pages/member/privacy/index',
    'pages/member/invite/index',
  ],
  subPackages: [
    {
      root: 'staff',
      pages: ['customers/index', 'customer/index', 'todo/index', 'handover/index'],
    },
    // The operator/admin console pages (H5).
    {
      root: 'console',
      pages: ['privacy/index', 'greetings/index', 'tags/index', 'stores/index', 'dashboards/index', 'quality/index', 'members/index', 'segments/index', 'imports/index', 'merges/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#fff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
  },
});
