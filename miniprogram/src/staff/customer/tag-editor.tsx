import { Text, View } from '@tarojs/components';
import type { CustomerCardOutput } from '@shared/schemas/customer-card.schema';
import type { TagTaxonomyOutput } from '@shared/schemas/member-tag.schema';

type CardTag = CustomerCardOutput['tags'][number];

type TagEditorProps = {
  tags: CardTag[];
  taxonomy: TagTaxonomyOutput | null;
  busyTagIds: ReadonlySet<string>;
  onToggle: (tagId: string, groupId: string) => void;
};

type Group = { id: string; name: string; tags: { id: string; name: string; color: string }[] };

// Without the taxonomy (it failed to load) the customer's own tags are still shown, grouped.
const groupsFromCard = (tags: CardTag[]): Group[] => {
  const groups = new Map<string, Group>();
  for (const tag of tags) {
    const group = groups.get(tag.groupId) ?? { id: tag.groupId, name: tag.groupName, tags: [] };
    group.tags.push({ id: tag.id, name: tag.name, color: tag.color });
    groups.set(tag.groupId, group);
  }
  return [...groups.values()];
};

// The org's tags by group; the customer's are highlighted, and one tap adds or removes a tag.
export function TagEditor({ tags, taxonomy, busyTagIds, onToggle }: TagEditorProps) {
  const on = new Set(tags.map((t) => t.id));
  const groups: Group[] = taxonomy ? taxonomy.groups : groupsFromCard(tags);

  return (
    <View id='customer-tags' className='card'>
      <Text className='card__title'>标签</Text>
      {groups.length === 0 ? <Text className='muted'>还没有标签</Text> : null}
      {groups.map((group) => (
        <View key={group.id} id={`tag-group-${group.id}`} className='tag-group'>
          <Text className='tag-group__name'>{group.name}</Text>
          <View className='tag-group__tags'>
            {group.tags.map((tag) => {
              const tagged = on.has(tag.id);
              const busy = busyTagIds.has(tag.id);
              return (
                <Text
                  key={tag.id}
                  id={`tag-${tag.id}`}
                  className={`chip tag-chip${tagged ? ' chip--on tag-chip--on' : ''}${busy ? ' chip--busy' : ''}`}
                  style={tagged ? { backgroundColor: tag.color } : undefined}
                  onClick={() => {
                    if (!busy) onToggle(tag.id, group.id);
                  }}
                >
                  {tag.name}
                </Text>
              );
            })}
          </View>
        </View>
      ))}
    </View>
  );
}
