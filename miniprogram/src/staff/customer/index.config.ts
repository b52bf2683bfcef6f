export default definePageConfig({ navigationBarTitleText: '顾客卡片' });
