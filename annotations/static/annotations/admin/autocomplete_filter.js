'use strict';
// A changelist filter chosen by typing (annotations/admin_lists.py: AutocompleteFilter):
// the admin's autocomplete.js makes the select a search box; choosing an entry (or
// clearing it) loads the list filtered by it, keeping the other filters and the search.
{
    const $ = django.jQuery;
    $(function() {
        $('select[data-filter-param]').on('change', function() {
            const base = this.dataset.filterBase || '?';
            const params = new URLSearchParams(base.slice(1));
            if (this.value) {
                params.set(this.dataset.filterParam, this.value);
            }
            const query = params.toString();
            window.location.search = query ? '?' + query : '';
        });
    });
}
