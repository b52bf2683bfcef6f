export default definePageConfig({ navigationBarTitleText: '我的会员邀请码' });
