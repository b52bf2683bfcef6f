import Taro from '@tarojs/taro';
import { z } from 'zod';
import { apiErrorSchema } from '@shared/schemas/common.schema';
import { apiBase } from './platform';
import { clearToken, getToken } from './session-store';

export type FieldError = { path: string; message: string };

// Every failure the UI has to show: an error body from the API ({error:{code,message,fields}}),
// a transport failure (status 0), or a response that does not match the shared contract.
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export const isApiError = (value: unknown): value is ApiError => value instanceof ApiError;

type Method = 'GET' | 'POST' | 'DELETE';
type QueryValue = string | number | undefined;

export type RequestOptions<T> = {
  query?: Record<string, QueryValue>;
  body?: unknown;
  // Login and the simulator's dev endpoints are called without a session.
  auth?: boolean;
  output: z.ZodType<T>;
};

const START_PAGE = '/pages/index/index';

const plainErrorSchema = z.object({ error: z.string().min(1) });

const fallbackMessages: Record<number, string> = {
  400: '提交的内容有误',
  401: '登录已过期，请重新登录',
  403: '没有权限执行此操作',
  404: '没有找到',
  409: '数据已被修改，请刷新后重试',
};

export const toQueryString = (query: Record<string, QueryValue> | undefined): string => {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
};

const currentRoute = (): string => {
  const pages = Taro.getCurrentPages();
  const page = pages[pages.length - 1];
  return page?.route ?? '';
};

// A 401 means the token is gone or expired (or the staff member was removed): drop it and start
// over at the login page, unless that is where we already are (it handles the error itself).
const handleUnauthorized = (): void => {
  clearToken();
  if (!currentRoute().includes('pages/index/index')) {
    void Taro.reLaunch({ url: START_PAGE });
  }
};

export const apiRequest = async <T>(method: Method, path: string, options: RequestOptions<T>): Promise<T> => {
  const header: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) header['Content-Type'] = 'application/json';
  const token = options.auth === false ? null : getToken();
  if (token) header.Authorization = `Bearer ${token}`;

  let response: { statusCode: number; data: unknown };
  try {
    response = await Taro.request({
      url: `${apiBase}${path}${toQueryString(options.query)}`,
      method,
      header,
      data: options.body as Taro.request.Option['data'],
      dataType: 'json',
      timeout: 20000,
    });
  } catch {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试');
  }

  const { statusCode, data } = response;
  if (statusCode >= 200 && statusCode < 300) {
    const parsed = options.output.safeParse(data);
    if (!parsed.success) {
      throw new ApiError(statusCode, 'bad_response', '服务器返回的数据格式不正确，请稍后重试');
    }
    return parsed.data;
  }

  if (statusCode === 401 && options.auth !== false) handleUnauthorized();
  const body = apiErrorSchema.safeParse(data);
  if (body.success) {
    const { code, message, fields } = body.data.error;
    throw new ApiError(statusCode, code, message, fields ?? []);
  }
  // The WeChat simulator's dev endpoints answer errors as { error: "message" }.
  const plain = plainErrorSchema.safeParse(data);
  const message = plain.success ? plain.data.error : (fallbackMessages[statusCode] ?? `服务暂时不可用（${statusCode}）`);
  throw new ApiError(statusCode, `http_${statusCode}`, message);
};

// A message fit for the user, whatever was thrown.
export const errorMessage = (error: unknown): string => {
  if (isApiError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return '出错了，请稍后重试';
};
