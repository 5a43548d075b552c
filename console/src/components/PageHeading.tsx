// The title area of a page: optional project selector above, title, and actions on the right.
import type { ReactNode } from 'react';
import { Flex, FlexItem, PageSection, Title } from '@patternfly/react-core';
import { ProjectSelector } from './ProjectSelector';

export function PageHeading({ title, actions, namespaced = false, children }: { title: ReactNode; actions?: ReactNode; namespaced?: boolean; children?: ReactNode }): ReactNode {
  return (
    <>
      {namespaced && <PageSection padding={{ default: 'noPadding' }} className="vn-project-section"><ProjectSelector /></PageSection>}
      <PageSection>
        <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }} alignItems={{ default: 'alignItemsCenter' }}>
          <FlexItem><Title headingLevel="h1">{title}</Title></FlexItem>
          {actions && <FlexItem>{actions}</FlexItem>}
        </Flex>
        {children}
      </PageSection>
    </>
  );
}
