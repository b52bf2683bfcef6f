export default definePageConfig({ navigationBarTitleText: '顾客交接' });
