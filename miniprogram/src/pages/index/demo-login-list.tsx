import { Text, View } from '@tarojs/components';
import type { AppConfigOutput } from '@shared/schemas/auth-login.schema';

type DemoLogin = NonNullable<AppConfigOutput['demoLogins']>[number];

type DemoLoginListProps = {
  logins: DemoLogin[];
  busy: boolean;
  onChoose: (openid: string) => void;
  onNewMember: () => void;
};

// ids must be usable as CSS selectors whatever the openid looks like.
const safeId = (openid: string): string => openid.replace(/[^A-Za-z0-9_-]/g, '-');

// H5 demo only (shown when /api/config says the WeChat simulator is in use): pick who to be.
export function DemoLoginList({ logins, busy, onChoose, onNewMember }: DemoLoginListProps) {
  return (
    <View id='demo-logins' className='card'>
      <Text className='card__title'>演示登录</Text>
      <Text className='muted'>本地演示环境：选择一个微信身份登录。</Text>
      {logins.map((login) => (
        <View
          key={login.openid}
          id={`demo-login-${safeId(login.openid)}`}
          className={`demo-login${busy ? ' demo-login--busy' : ''}`}
          onClick={() => {
            if (!busy) onChoose(login.openid);
          }}
        >
          <Text className='demo-login__label'>{login.label}</Text>
          <Text className='demo-login__kind'>{login.kind === 'staff' ? '员工' : '会员'}</Text>
        </View>
      ))}
      <View
        id='demo-login-new'
        className={`demo-login demo-login--new${busy ? ' demo-login--busy' : ''}`}
        onClick={() => {
          if (!busy) onNewMember();
        }}
      >
        <Text className='demo-login__label'>新会员（新的微信用户）</Text>
        <Text className='demo-login__kind'>会员</Text>
      </View>
    </View>
  );
}
