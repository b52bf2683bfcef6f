export default definePageConfig({ navigationBarTitleText: '会员明细' });
