// A form field's validation message from a pure model (English key + vars), translated.
import type { ReactNode } from 'react';
import { FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import type { FieldMessage } from '../../models/nad-udn-fields';

export function FieldHelp({ error, help }: { error?: FieldMessage | undefined; help?: string }): ReactNode {
  const { t } = useTranslation();
  if (!error && !help) return null;
  return (
    <FormHelperText>
      <HelperText>
        {error
          ? <HelperTextItem variant="error"><span data-test="field-error">{t(error.text, error.vars ?? {})}</span></HelperTextItem>
          : <HelperTextItem>{help}</HelperTextItem>}
      </HelperText>
    </FormHelperText>
  );
}
