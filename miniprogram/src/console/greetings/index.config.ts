export default definePageConfig({ navigationBarTitleText: '问候与活动' });
