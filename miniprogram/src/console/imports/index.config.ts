export default definePageConfig({ navigationBarTitleText: '导入顾客与订单' });
