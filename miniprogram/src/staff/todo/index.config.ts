export default definePageConfig({ navigationBarTitleText: '今日待办' });
